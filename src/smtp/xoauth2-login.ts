/**
 * THE SMTP XOAUTH2 login of the tree: `test` and `send` run it inside nodemailer (src/smtp/xoauth2-auth.ts), the
 * proxy's upstream over its own raw session (src/proxy/upstream/smtp.ts). Always the two-step form of RFC 4954 §4:
 * `AUTH XOAUTH2` -> `334` -> base64 initial response -> `235`. A `334 <base64 JSON>` error challenge is answered with
 * an empty line and the final 5xx is the failure (Microsoft, "Authenticate an IMAP, POP or SMTP connection using
 * OAuth"). Never the one-line form `AUTH XOAUTH2 <base64>`: a 2 KB token on the AUTH line exceeds servers' line
 * limits (Dovecot submission answers "Line too long").
 */
import { resolveToken, type TokenSource } from "../net/types.js";
import { buildXoauth2, parseXoauth2Error, type Xoauth2ErrorContinuation } from "../sasl/xoauth2.js";

/** One SMTP reply (RFC 5321 §4.2): its code and its lines as sent (`ddd-text` ..., `ddd text`). */
export interface SmtpReply {
  code: number;
  lines: string[];
}

/**
 * Sends one command line and resolves with the server's reply. `traceAs` is what a transcript shows instead of the
 * line (the initial response is a secret; an empty line is shown with its meaning).
 */
export type SmtpCommandFn = (line: string, traceAs?: string) => Promise<SmtpReply>;

export type Xoauth2LoginResult =
  /** `235`: logged in. */
  | { ok: true; reply: SmtpReply }
  /**
   * `auth`: the server refused `AUTH XOAUTH2` itself (no `334`); `response`: it rejected the credentials (final reply,
   * with the decoded JSON error challenge when one came first).
   */
  | { ok: false; stage: "auth" | "response"; reply: SmtpReply; saslError?: Xoauth2ErrorContinuation };

export const INITIAL_RESPONSE_LABEL = "<redacted XOAUTH2 initial response>";
export const ERROR_ACK_LABEL = "(empty line: acknowledges the error challenge)";

/** The text of a reply without its codes, lines joined (the base64 of a challenge may span lines). */
function replyText(r: SmtpReply): string {
  return r.lines.map((l) => l.slice(4)).join("");
}

/** Runs the XOAUTH2 exchange; the token source is asked just before `AUTH` is sent. Refusals are results, not throws. */
export async function xoauth2Login(
  cmd: SmtpCommandFn,
  creds: { user: string; token: TokenSource },
): Promise<Xoauth2LoginResult> {
  const token = await resolveToken(creds.token);
  const go = await cmd("AUTH XOAUTH2");
  if (go.code !== 334) return { ok: false, stage: "auth", reply: go };
  const answer = await cmd(buildXoauth2(creds.user, token), INITIAL_RESPONSE_LABEL);
  if (answer.code === 235) return { ok: true, reply: answer };
  if (answer.code !== 334) return { ok: false, stage: "response", reply: answer };
  const saslError = parseXoauth2Error(replyText(answer).trim());
  const final = await cmd("", ERROR_ACK_LABEL);
  if (final.code === 235) return { ok: true, reply: final };
  return { ok: false, stage: "response", reply: final, ...(saslError ? { saslError } : {}) };
}
