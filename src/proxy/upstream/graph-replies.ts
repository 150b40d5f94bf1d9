/**
 * The SMTP reply (RFC 5321 section 4.2, enhanced codes RFC 3463) for Graph's answer to one message. Given only after
 * Graph answered: 202 Accepted means Graph took the message (delivery happens later), so the client may forget it.
 * The POP3 listener's replies after login (RETR, TOP, QUIT) come from the same sets (graphPop3FailureReply).
 */
import { isTemporaryCode, type XoauthError } from "../../errors.js";

/** Codes meaning "this mailbox may not send this" (Send As, Mail.Send, an Application Access Policy / RBAC scope). */
const NOT_ALLOWED = new Set([
  "SEND_AS_DENIED",
  "GRAPH_PERMISSION_MISSING",
  "GRAPH_MAILBOX_OUT_OF_SCOPE",
  "PERMISSION_MISSING",
  "MAILBOX_ACCESS_DENIED",
  "MAILBOX_NOT_FOUND",
]);

/** Graph asked us to slow down (429 / Retry-After beyond our wait) or is busy: RFC 3463 4.4.5 "system congestion". */
const CONGESTED = new Set(["THROTTLED", "SERVER_BUSY"]);

function ref(e: XoauthError): string {
  const id = e.details.params?.requestId;
  return typeof id === "string" && id ? `${e.code}, request-id ${id}` : e.code;
}

export function acceptedReply(requestId: string | undefined): string {
  return `250 2.0.0 OK: accepted by Microsoft Graph (202${requestId ? `, request-id ${requestId}` : ""})`;
}

/** One reply line (without CRLF) for a failed send; the log line carries the full message. */
export function graphFailureReply(e: XoauthError): string {
  if (e.code === "MESSAGE_TOO_LARGE") return `552 5.3.4 Message too big for Exchange Online, nothing sent (${ref(e)})`;
  if (NOT_ALLOWED.has(e.code)) return `550 5.7.1 Microsoft Graph refused to send this message (${ref(e)})`;
  if (CONGESTED.has(e.code)) return `451 4.4.5 Microsoft Graph is throttling or busy, try again later (${ref(e)})`;
  if (isTemporaryCode(e.code)) return `451 4.4.1 Microsoft Graph not reachable now, try again later (${ref(e)})`;
  return `554 5.3.0 Microsoft Graph did not send the message (${ref(e)})`;
}

/**
 * One POP3 `-ERR` line (RFC 1939) for a Graph failure after login, with the RFC 2449 / RFC 3206 response code the
 * client may act on: `[SYS/TEMP]` (try again later: throttling, outage), `[SYS/PERM]` (the app may not do this:
 * Mail.ReadWrite missing, a scope), else none. `what` says what failed ("Message 3 not sent").
 */
export function graphPop3FailureReply(e: XoauthError, what: string): string {
  if (CONGESTED.has(e.code))
    return `-ERR [SYS/TEMP] ${what}: Microsoft Graph is throttling or busy, try again later (${ref(e)})`;
  if (isTemporaryCode(e.code))
    return `-ERR [SYS/TEMP] ${what}: Microsoft Graph not reachable now, try again later (${ref(e)})`;
  if (NOT_ALLOWED.has(e.code)) return `-ERR [SYS/PERM] ${what}: Microsoft Graph refused it (${ref(e)})`;
  return `-ERR ${what}: Microsoft Graph failed (${ref(e)})`;
}
