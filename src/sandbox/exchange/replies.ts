/**
 * What the fake answers, rendered from the Exchange behaviour table (src/exchange/contract.ts): each failed
 * authorization decision is one situation of the table, and the servers send that situation's reply for their
 * protocol. Nothing here invents a text; a new failure mode is a row in the table and a case in situationOf.
 */
import type { MailProtocol } from "../../auth/clouds.js";
import { type ReplyId, replyFor, type SituationId, situation } from "../../exchange/contract.js";
import type { AuthDecision } from "./token-check.js";

type Failure = Extract<AuthDecision, { ok: false }>;

/**
 * The situation (or, for failures Exchange does not tell apart, the generic reply) a failed decision stands for.
 * Token defects Exchange cannot explain on the wire (bad signature, unknown issuer, not yet valid, a user token)
 * answer the generic `auth-failed`.
 */
export function situationOf(d: Failure, protocol: MailProtocol): SituationId | ReplyId {
  switch (d.reason) {
    case "wrong_audience":
      return "wrong-audience";
    case "expired":
      return "token-expired-at-login";
    case "role_missing":
      return Array.isArray(d.claims?.roles) && d.claims.roles.length > 0 ? "role-missing" : "no-consent";
    case "sp_not_registered":
      return d.spRegisteredAs ? "sp-app-object-id" : "sp-missing";
    case "mailbox_not_found":
      return "mailbox-not-found";
    case "no_mailbox_permission":
      return protocol === "smtp" ? "no-mailbox-permission" : "no-fullaccess";
    case "protocol_disabled":
      return protocol === "pop3" ? "pop-disabled" : "imap-disabled";
    case "smtp_auth_disabled_tenant":
      return "smtp-auth-disabled-tenant";
    case "smtp_auth_disabled_mailbox":
      return "smtp-auth-disabled-mailbox";
    case "connection_limit":
      return "connection-limit";
    case "server_busy":
      return "server-busy";
    default:
      return "auth-failed";
  }
}

/** Whether the table says this failure surfaces only after a successful login (IMAP "not connected"). */
export function failsAfterLogin(d: Failure, protocol: MailProtocol): boolean {
  const id = situationOf(d, protocol);
  return id !== "auth-failed" && situation(id as SituationId).protocols[protocol]?.reply === "not-connected";
}

/** The exact reply line(s) for a failed decision on one protocol. */
export function failureReply(d: Failure, protocol: MailProtocol, vars: Readonly<Record<string, string>>): string[] {
  return replyFor(situationOf(d, protocol), protocol, vars);
}

/** An SMTP reply line split into its code and text (smtp-server adds the code itself). */
export function smtpParts(line: string): { code: number; text: string } {
  const m = /^(\d{3})[ -](.*)$/.exec(line);
  if (!m) throw new Error(`not an SMTP reply: ${line}`);
  return { code: Number(m[1]), text: m[2] as string };
}
