/** The public library API (docs/api.md): everything a Node integrator needs, nothing of the CLI. */

export type { Diagnosis } from "../diagnose/types.js";
export type { FetchEvent, FetchSummary } from "../fetch/types.js";
export { createGraphClient } from "../graph/client.js";
export type { GraphClient, GraphClientOptions } from "../graph/types.js";
export { ImapClient } from "../imap/client.js";
export type { ImapClientOptions } from "../imap/connection.js";
export type { TlsMode, TokenSource, TraceEvent, TraceFn } from "../net/types.js";
export { Pop3Client, type Pop3ClientOptions } from "../pop3/client.js";
export { type FetchedMessage, type FetchMailboxOptions, type FetchReport, fetchMailbox } from "./fetch-mailbox.js";
export type { Credentials, MailboxTarget } from "./operation.js";
export type { AuthOptions, CertificateOptions } from "./options.js";
export {
  type MailAttachment,
  type MailFields,
  type MailInput,
  type SendOptions,
  type SendReport,
  sendMail,
} from "./send-mail.js";
export { type MailTestReport, type MailTestStep, type TestMailboxOptions, testMailbox } from "./test-mailbox.js";
export {
  createTokenProvider,
  type GetTokenOptions,
  type MailToken,
  type MailTokenProvider,
  type TokenClaimsSummary,
  type TokenProtocol,
} from "./token-provider.js";
export { createTransport, type MailTransport, type TransportMail } from "./transport.js";
