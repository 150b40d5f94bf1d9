/**
 * SASL XOAUTH2 for nodemailer's `customAuth`, always in the two-step form (RFC 4954 §4 without initial response):
 * `AUTH XOAUTH2` -> `334` -> base64 -> `235`; a `334 <base64 JSON>` error challenge is answered with an empty line
 * and the final 5xx is the failure. Long tokens on the AUTH line hit servers' line limits (Dovecot: "Line too long").
 */
import type SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import type { TokenProvider } from "../auth/types.js";
import { XoauthError } from "../errors.js";
import { markSecret, redact } from "../log/redact.js";
import { buildXoauth2, parseXoauth2Error } from "../sasl/xoauth2.js";
import { classifySmtpReply } from "./errors.js";

type Ctx = SMTPConnection.CustomAuthenticationContext;

/** What one login learned, for `test` (filled by the handler; read after login). */
export interface Xoauth2AuthState {
  authMethods: string[];
  extensions: string[];
  authReply?: string;
  postAuthEhlo?: string;
  /** The decoded JSON error continuation, when the server sent one. */
  errorContinuation?: Record<string, unknown>;
  /** The typed failure, kept here because nodemailer rewrites error codes of whatever the handler throws. */
  error?: XoauthError;
  authSentAt?: number;
  authDoneAt?: number;
}

export interface Xoauth2AuthOptions {
  host: string;
  port: number;
  user: string;
  token: TokenProvider | string;
  /** Send EHLO again after 235 and record the answer (for `test`). */
  ehloAfterAuth?: string;
  /** Receives a transcript label for each line nodemailer masks (see SmtpObserver.maskedLabels). */
  labelMasked?: (label: string) => void;
}

/** The reply code, also for a bare `334` that nodemailer's own parser leaves at 0. */
function statusOf(r: { status: number; response: string }): number {
  return r.status || Number(/^\d{3}/.exec(r.response)?.[0] ?? 0);
}

async function tokenOf(token: TokenProvider | string): Promise<string> {
  const t = typeof token === "string" ? token : (await token.getToken()).token;
  markSecret(t);
  return t;
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
    const token = await tokenOf(opts.token);
    state.authSentAt = Date.now();
    const first = await ctx.sendCommand("AUTH XOAUTH2");
    if (statusOf(first) !== 334) fail(state, opts, first.response, "refused AUTH XOAUTH2.");
    opts.labelMasked?.("<redacted XOAUTH2 initial response>");
    const second = await ctx.sendCommand(buildXoauth2(opts.user, token));
    let final = second;
    if (statusOf(second) === 334) {
      const json = parseXoauth2Error(second.response.replace(/^334 ?/, "").trim());
      if (json) state.errorContinuation = json;
      opts.labelMasked?.("(empty line: acknowledges the error challenge)");
      final = await ctx.sendCommand("");
    }
    state.authReply = final.response.trim();
    if (statusOf(final) !== 235) fail(state, opts, final.response, `rejected XOAUTH2 login for ${opts.user}.`);
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
