/** IMAP client: XOAUTH2 login and the mailbox checks of `xoauth-mail test`, over imapflow. */
export { type ImapErrorContext, mapImapError, NOT_CONNECTED_RE } from "./errors.js";
export { connectImap } from "./session.js";
export { createImapObserver, type ImapObserver } from "./trace.js";
export type {
  ImapConnectOptions,
  ImapExamineResult,
  ImapMailboxInfo,
  ImapSession,
  ImapTimings,
  ImapTlsMode,
  TraceEvent,
  TraceFn,
} from "./types.js";
