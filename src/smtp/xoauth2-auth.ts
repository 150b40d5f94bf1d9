/**
 * nodemailer's `customAuth` for XOAUTH2: an adapter that runs the one SMTP XOAUTH2 login (src/smtp/xoauth2-login.ts)
 * over nodemailer's `sendCommand`, and records what `test` reports (mechanisms, timings, the final reply).
 */
import type SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import { XoauthError } from "../errors.js";
import { redact } from "../log/redact.js";
import type { TokenSource } from "../net/types.js";
import { classifySmtpReply } from "./errors.js";
import { type SmtpCommandFn, xoauth2Login } from "./xoauth2-login.js";

type Ctx = SMTPConnection.CustomAuthenticationContext;

/** What one login learned, for `test` (filled by the handler; read after login). */
export interface Xoauth2AuthState {
  authMethods: string[];
  extensions: string[];
  authReply?: string;
  postAuthEhlo?: string;
  /** The decoded JSON error continuation, when the server sent one. */
  errorContinuation?: Record<string, unknown>;
  /**
   * The typed failure (a server's refusal, or the token source's error), kept here because nodemailer rewrites the
   * code of whatever the handler throws to EAUTH.
   */
  error?: XoauthError;
  authSentAt?: number;
  authDoneAt?: number;
}

export interface Xoauth2AuthOptions {
  host: string;
  port: number;
  user: string;
  token: TokenSource;
  /** Send EHLO again after 235 and record the answer (for `test`). */
  ehloAfterAuth?: string;
  /** Receives a transcript label for each line nodemailer masks (see SmtpObserver.maskedLabels). */
  labelMasked?: (label: string) => void;
}

/** The reply code, also for a bare `334` that nodemailer's own parser leaves at 0. */
function statusOf(r: { status: number; response: string }): number {
  return r.status || Number(/^\d{3}/.exec(r.response)?.[0] ?? 0);
}

function fail(state: Xoauth2AuthState, opts: Xoauth2AuthOptions, reply: string, fallback: string): never {
  const code = classifySmtpReply(reply, "AUTH XOAUTH2") ?? "PROTOCOL_ERROR";
  const json = state.errorContinuation ? ` ${JSON.stringify(state.errorContinuation)}` : "";
  state.error = new XoauthError(code, `${opts.host}:${opts.port} ${fallback}${json}`, {
    details: {
      command: "AUTH XOAUTH2",
      serverReply: redact(reply.trim()),
      params: { host: opts.host, port: String(opts.port), mailbox: opts.user },
    },
  });
  throw new Error(state.error.message);
}

/** A `customAuth` entry `{ XOAUTH2: handler }` plus the state it records. */
export function xoauth2CustomAuth(opts: Xoauth2AuthOptions): {
  customAuth: { XOAUTH2: (ctx: Ctx) => Promise<void> };
  state: Xoauth2AuthState;
} {
  const state: Xoauth2AuthState = { authMethods: [], extensions: [] };
  const handler = async (ctx: Ctx): Promise<void> => {
    state.authMethods = ctx.authMethods.map((m) => m.toUpperCase());
    state.extensions = [...ctx.extensions];
    if (!state.authMethods.includes("XOAUTH2")) {
      state.error = new XoauthError("XOAUTH2_NOT_OFFERED", `${opts.host}:${opts.port} does not offer AUTH XOAUTH2.`, {
        details: {
          command: "EHLO",
          serverReply: `AUTH ${state.authMethods.join(" ")}`.trim(),
          params: { host: opts.host, port: String(opts.port), mailbox: opts.user },
        },
      });
      throw new Error(state.error.message);
    }
    const cmd: SmtpCommandFn = async (line, traceAs) => {
      if (line === "AUTH XOAUTH2") state.authSentAt = Date.now();
      // nodemailer logs every custom-auth line but `AUTH <mech>` as `/* secret */`: say what it was.
      else opts.labelMasked?.(traceAs ?? line);
      const r = await ctx.sendCommand(line);
      return { code: statusOf(r), lines: r.response.split("\n") };
    };
    const result = await xoauth2Login(cmd, { user: opts.user, token: opts.token }).catch((e: unknown) => {
      // The token source failed (a refused secret, a token endpoint down): nodemailer would rewrite the code of the
      // thrown error to EAUTH, in place; kept here like the server's refusals.
      if (!(e instanceof XoauthError)) throw e;
      state.error = e;
      throw new Error(e.message);
    });
    const response = result.reply.lines.join("\n");
    if (!result.ok && result.stage === "auth") fail(state, opts, response, "refused AUTH XOAUTH2.");
    if (!result.ok && result.saslError) state.errorContinuation = result.saslError;
    state.authReply = response.trim();
    if (!result.ok) fail(state, opts, response, `rejected XOAUTH2 login for ${opts.user}.`);
    state.authDoneAt = Date.now();
    if (opts.ehloAfterAuth) {
      opts.labelMasked?.(`EHLO ${opts.ehloAfterAuth}`);
      const ehlo = await ctx.sendCommand(`EHLO ${opts.ehloAfterAuth}`);
      state.postAuthEhlo = ehlo.response;
      if (statusOf(ehlo) !== 250) fail(state, opts, ehlo.response, "refused EHLO after authentication.");
    }
  };
  return { customAuth: { XOAUTH2: handler }, state };
}

/** EHLO keywords of a (multi-line) 250 reply, without the greeting line. */
export function ehloKeywords(reply: string): string[] {
  return reply
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.replace(/^250[ -]/, "").trim())
    .filter(Boolean);
}
