/**
 * The diagnosis engine: runs the rules in priority order and returns the first root cause named.
 * Order: options -> token stage -> what the token claims prove (audience, expiry, role) -> network/TLS ->
 * temporary refusals (SERVER_BUSY, Graph's THROTTLED) -> server answers (Graph: 403s, 404 mailbox) -> fallback. A claims problem outranks the server's answer (the server only confirms it).
 */
import { getLang, type Lang } from "../i18n/index.js";
import { deriveFacts } from "./facts.js";
import { graphRequestId } from "./request-id.js";
import type { Rule } from "./rule.js";
import { graphAccess } from "./rules/graph-access.js";
import { graphThrottled } from "./rules/graph-throttled.js";
import { mailServerUnreachable } from "./rules/mail-server-unreachable.js";
import { mailboxAccessDenied } from "./rules/mailbox-access-denied.js";
import { mailboxNotConnected } from "./rules/mailbox-not-connected.js";
import { mailboxNotFound } from "./rules/mailbox-not-found.js";
import { ok } from "./rules/ok.js";
import { optionsError, otherError, tokenError } from "./rules/pass-through.js";
import { permissionMissing } from "./rules/permission-missing.js";
import { protocolError } from "./rules/protocol-error.js";
import { sendAsDenied } from "./rules/send-as-denied.js";
import { serverBusy } from "./rules/server-busy.js";
import { smtpAuthDisabled } from "./rules/smtp-auth-disabled.js";
import { timeout } from "./rules/timeout.js";
import { tlsHostnameMismatch } from "./rules/tls-hostname-mismatch.js";
import { tlsUntrusted } from "./rules/tls-untrusted.js";
import { tokenExpired } from "./rules/token-expired.js";
import { wrongAudience } from "./rules/wrong-audience.js";
import { xoauth2NotOffered } from "./rules/xoauth2-not-offered.js";
import type { Diagnosis, DiagnosisContext } from "./types.js";

/** All rules, highest priority first. */
export const RULES: readonly Rule[] = [
  optionsError,
  tokenError,
  wrongAudience,
  tokenExpired,
  permissionMissing,
  timeout,
  tlsUntrusted,
  tlsHostnameMismatch,
  mailServerUnreachable,
  graphThrottled,
  serverBusy,
  xoauth2NotOffered,
  smtpAuthDisabled,
  mailboxNotConnected,
  sendAsDenied,
  mailboxAccessDenied,
  graphAccess,
  mailboxNotFound,
  otherError,
  protocolError,
  ok,
];

/** A failed Graph request's `request-id` on the diagnosis (`--json` diagnosis.requestId; a line in the text). */
export function withRequestId(d: Diagnosis, ctx: DiagnosisContext): Diagnosis {
  if (d.code === "OK" || d.requestId) return d;
  const requestId = graphRequestId(ctx.steps.find((s) => !s.ok && s.error?.details.params?.requestId)?.error);
  return requestId ? { ...d, requestId } : d;
}

/** Exactly one primary root cause for a `test` run. Pure: same context, same diagnosis. */
export function diagnose(ctx: DiagnosisContext, lang: Lang = getLang()): Diagnosis {
  const facts = deriveFacts(ctx);
  for (const rule of RULES) {
    const d = rule.diagnose(ctx, facts, lang);
    if (d) return withRequestId(d, ctx);
  }
  // unreachable: protocolError takes any failure and ok takes the rest
  throw new Error("diagnose: no rule matched");
}
