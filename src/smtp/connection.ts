/**
 * The SMTP login check of `xoauth-mail test` on nodemailer's SMTPConnection: connect, EHLO, STARTTLS, EHLO,
 * AUTH XOAUTH2 (two steps), EHLO after auth, QUIT — with per-phase timings and typed errors.
 */
import { rootCertificates } from "node:tls";
import SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import { LIMITS } from "../limits.js";
import { mapSmtpError } from "./errors.js";
import { createSmtpObserver, type SmtpObserver } from "./trace.js";
import type { SmtpLoginResult, SmtpOptions, SmtpTimings } from "./types.js";
import { ehloKeywords, xoauth2CustomAuth } from "./xoauth2-auth.js";

export function caList(ca: string | string[] | undefined): string[] | undefined {
  if (!ca) return undefined;
  return [...rootCertificates, ...(Array.isArray(ca) ? ca : [ca])];
}

/** nodemailer connection options shared by the login check and the transport. */
export function connectionOptions(opts: SmtpOptions, obs: SmtpObserver) {
  return {
    host: opts.host,
    port: opts.port,
    secure: opts.tls === "implicit",
    requireTLS: opts.tls === "starttls",
    ...(opts.name ? { name: opts.name } : {}),
    tls: {
      rejectUnauthorized: true,
      minVersion: "TLSv1.2" as const,
      ...(opts.servername ? { servername: opts.servername } : {}),
      ...(opts.ca ? { ca: caList(opts.ca) } : {}),
    },
    connectionTimeout: opts.timeouts?.connectMs ?? LIMITS.timeouts.connectMs,
    greetingTimeout: opts.timeouts?.greetingMs ?? LIMITS.timeouts.greetingMs,
    socketTimeout: opts.timeouts?.commandMs ?? LIMITS.timeouts.commandMs,
    logger: obs.logger,
    debug: true,
  };
}

function timings(obs: SmtpObserver, started: number, authSentAt?: number, authDoneAt?: number): SmtpTimings {
  const d = (a?: number, b?: number) => (a !== undefined && b !== undefined ? b - a : undefined);
  return {
    connectMs: d(started, obs.connectedAt),
    greetingMs: d(obs.connectedAt, obs.greetingAt),
    starttlsMs: d(obs.starttlsAt, obs.tlsUpAt),
    authMs: d(authSentAt, authDoneAt),
  };
}

/** Logs in with XOAUTH2 and logs out; resolves with what the server offered, or rejects with an XoauthError. */
export async function smtpLoginCheck(opts: SmtpOptions): Promise<SmtpLoginResult> {
  const obs = createSmtpObserver(opts.onTrace);
  const { customAuth, state } = xoauth2CustomAuth({
    ...opts,
    ehloAfterAuth: opts.name ?? "xoauth-mail.localhost",
    labelMasked: (l) => obs.maskedLabels.push(l),
  });
  const conn = new SMTPConnection({ ...connectionOptions(opts, obs), customAuth } as SMTPConnection.Options);
  const ctx = { host: opts.host, port: opts.port, user: opts.user, command: "connect" };
  let lateError: unknown;
  conn.on("error", (err: unknown) => {
    lateError ??= err;
  });
  const started = Date.now();
  try {
    await new Promise<void>((resolve, reject) => {
      conn.once("error", reject);
      conn.connect(() => {
        conn.removeListener("error", reject);
        resolve();
      });
    });
    ctx.command = "AUTH XOAUTH2";
    await new Promise<void>((resolve, reject) => {
      // `oauth2` must be truthy, or nodemailer re-selects the first advertised mechanism instead of XOAUTH2.
      const auth = { user: opts.user, method: "XOAUTH2", oauth2: {} } as unknown as SMTPConnection.AuthenticationOAuth2;
      conn.login(auth, (err) => (err ? reject(state.error ?? err) : resolve()));
    });
    ctx.command = "QUIT";
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        conn.close();
        resolve();
      }, opts.timeouts?.commandMs ?? 5_000);
      conn.once("end", () => {
        clearTimeout(timer);
        resolve();
      });
      conn.quit();
    });
    return {
      extensions: obs.ehloBeforeAuth ? ehloKeywords(obs.ehloBeforeAuth) : state.extensions,
      authMechanisms: state.authMethods,
      postAuthExtensions: state.postAuthEhlo ? ehloKeywords(state.postAuthEhlo) : [],
      timings: timings(obs, started, state.authSentAt, state.authDoneAt),
      authReply: state.authReply ?? "",
    };
  } catch (err) {
    conn.close();
    throw mapSmtpError(state.error ?? err ?? lateError, ctx);
  }
}
