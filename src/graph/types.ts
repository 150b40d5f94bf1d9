/**
 * The vocabulary of the Microsoft Graph mail transport (src/graph/): what fetch, send, test and the proxy ask of the
 * Graph client. Every failure is an XoauthError with a stable code (classified by src/exchange/graph-replies.ts).
 * Facts about the API (limits, headers, ids): docs/graph.md.
 */
import type { Readable } from "node:stream";
import type { TokenProvider } from "../auth/types.js";
import type { TraceFn } from "../net/types.js";

/** Graph's documented request and size limits, in one place (docs/graph.md "Limits"). */
export const GRAPH_LIMITS = {
  /** Requests in flight per app and mailbox (Exchange's MailboxConcurrency). */
  maxConcurrency: 4,
  /** A request body Graph accepts at most (sendMail MIME, a draft, one upload-session PUT). */
  maxRequestBytes: 4 * 1024 * 1024,
  /** Attachments at or above this size must go through an upload session. */
  uploadSessionThresholdBytes: 3 * 1024 * 1024,
  /** Exchange Online's default maximum message size (send and receive). */
  maxMessageBytes: 35 * 1024 * 1024,
  /** Largest JSON answer we read (a delta page of 100 messages with few fields is ~50 KB). */
  maxJsonBytes: 4 * 1024 * 1024,
  /** Messages per delta page we ask for (`Prefer: odata.maxpagesize`). */
  deltaPageSize: 100,
  /** Longest total wait on Retry-After for one request before the error is returned. */
  maxRetryWaitMs: 120_000,
  /** Most HTTP requests sent for one call (retries after 429/503/504, a token refresh, a network error). */
  maxAttempts: 8,
} as const;

export interface GraphClientOptions {
  /** API root with version, no trailing slash: `https://graph.microsoft.com/v1.0` (Cloud.graphUrl, `--graph-url`). */
  baseUrl: string;
  /** The mailbox: SMTP address, user principal name or user object ID. */
  mailbox: string;
  /** Must give a Graph token (scope `https://graph.microsoft.com/.default`); asked at each request, refresh inside. */
  tokenProvider: TokenProvider;
  /** Extra CA PEMs trusted in addition to the system roots; verification always on. */
  ca?: string[] | undefined;
  /** HTTPS proxy URL (CONNECT) and the NO_PROXY list, as for the token endpoint. */
  proxy?: string | undefined;
  noProxy?: string | undefined;
  /** Requests in flight for this mailbox, 1-4 (default GRAPH_LIMITS.maxConcurrency). */
  maxConcurrency?: number;
  /** Connect / per-request inactivity timeout (default LIMITS.timeouts.httpMs). */
  timeoutMs?: number;
  /** Longest total Retry-After wait per request (default GRAPH_LIMITS.maxRetryWaitMs); longer waits fail THROTTLED. */
  maxRetryWaitMs?: number;
  /** Redacted request/response lines (`c`: `GET /users/.../messages/delta`, `s`: `200 OK request-id=...`). */
  trace?: TraceFn;
  /** Aborts every request in flight and every wait. */
  signal?: AbortSignal;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface GraphFolder {
  id: string;
  displayName: string;
  /** The path the caller asked for, e.g. `Inbox/Invoices` or `inbox`. */
  path: string;
  totalItemCount?: number;
  unreadItemCount?: number;
}

/** One message as a delta page or a listing gives it (ids are immutable ids: `Prefer: IdType="ImmutableId"`). */
export interface GraphMessageRef {
  id: string;
  internetMessageId?: string;
  subject?: string;
  receivedDateTime?: string;
  isRead?: boolean;
  /** Graph's size estimate (PR_MESSAGE_SIZE via `singleValueExtendedProperties`) when asked; not the MIME length. */
  size?: number;
}

export interface DeltaPage {
  /** Messages added or changed since the last delta link (may repeat ones seen before: replays are normal). */
  messages: GraphMessageRef[];
  /** Ids reported as `@removed` (deleted or moved out of the folder). */
  removed: string[];
  /** Follow this for the next page of the same round. */
  nextLink?: string;
  /** The round is complete; keep this for the next run. Exactly one of nextLink / deltaLink is set. */
  deltaLink?: string;
}

/** What Graph said about one request, kept for reports (`request-id` is what Microsoft support asks for). */
export interface GraphRequestInfo {
  status: number;
  requestId?: string;
  clientRequestId: string;
}

/** An attachment of a draft (the large-message path of sendMail). */
export interface GraphAttachmentSpec {
  name: string;
  contentType: string;
  size: number;
  isInline?: boolean;
  contentId?: string;
}

/** A draft message resource (JSON), for messages too big for sendMail's 4 MB MIME body. */
export interface GraphDraft {
  subject?: string;
  body?: { contentType: "text" | "html"; content: string };
  from?: GraphRecipient;
  toRecipients?: GraphRecipient[];
  ccRecipients?: GraphRecipient[];
  bccRecipients?: GraphRecipient[];
  replyTo?: GraphRecipient[];
  /** Only `X-` headers are accepted by Graph. */
  internetMessageHeaders?: { name: string; value: string }[];
}

export interface GraphRecipient {
  emailAddress: { address: string; name?: string };
}

/**
 * The Graph mail client for one mailbox. Requests share keep-alive connections and at most `maxConcurrency` run at
 * once; 429/503/504 are retried after `Retry-After` within `maxRetryWaitMs`; a 401 with an expired token is retried
 * once with `forceRefresh`. Errors: XoauthError (code from src/exchange/graph-replies.ts, `details.httpStatus`,
 * `details.serverReply` = `<code>: <message>`, `details.params.requestId`).
 */
export interface GraphClient {
  readonly mailbox: string;
  /** HTTP requests sent so far (retries included). */
  readonly requestCount: number;
  /**
   * A folder by well-known name (`inbox`, `archive`, `deleteditems`, `sentitems`, `drafts`, `junkemail`) or by a
   * `/`-separated display-name path from the top of the mailbox (`Inbox/Invoices`, case-insensitive). FOLDER_NOT_FOUND
   * names the part that does not exist.
   */
  resolveFolder(path: string): Promise<GraphFolder>;
  /**
   * One delta page. `link` undefined starts a full round of the folder; otherwise the nextLink or deltaLink from
   * before. An expired sync state is SYNC_STATE_EXPIRED (start again without a link).
   */
  deltaPage(folderId: string, link?: string): Promise<DeltaPage>;
  /**
   * The first `top` messages of a folder (`test` lists one): Graph's default order (newest first), or the oldest first;
   * `withSize` asks for Graph's size estimate (GraphMessageRef.size) with each.
   */
  listMessages(
    folderId: string,
    top: number,
    opts?: { oldestFirst?: boolean; withSize?: boolean },
  ): Promise<GraphMessageRef[]>;
  /** The MIME of a message (`$value`), streamed; the caller consumes or destroys the stream. */
  openMime(messageId: string): Promise<{ stream: Readable; length?: number }>;
  /** Moves a message; Graph answers with the moved message (its id stays the same with immutable ids). */
  move(messageId: string, destinationFolderId: string): Promise<{ id: string }>;
  /** DELETE: moves the message to Deleted Items (204). */
  delete(messageId: string): Promise<void>;
  markRead(messageId: string): Promise<void>;
  /** sendMail with the MIME as base64 (`Content-Type: text/plain`); 202 = accepted, delivery happens later. */
  sendMime(mime: Buffer, opts?: { saveToSentItems?: boolean }): Promise<GraphRequestInfo>;
  /**
   * A probe for the send permission that sends nothing: sendMail with a message that has no recipient. Authorised
   * apps get 400 ErrorInvalidRecipients; others 403. Resolves `true` when sending is allowed.
   */
  probeSend(): Promise<boolean>;
  /** The large-message path: a draft, attachments (small inline, big via upload sessions), then send. */
  createDraft(draft: GraphDraft): Promise<{ id: string }>;
  addAttachment(messageId: string, spec: GraphAttachmentSpec, content: Buffer): Promise<void>;
  /** An upload session for one attachment; `uploadUrl` is pre-authorised (no Authorization header is sent to it). */
  createUploadSession(messageId: string, spec: GraphAttachmentSpec): Promise<{ uploadUrl: string }>;
  /** PUTs `chunk` as bytes `start`..`start+chunk.length-1` of `total` (at most GRAPH_LIMITS.maxRequestBytes). */
  uploadRange(uploadUrl: string, chunk: Buffer, start: number, total: number): Promise<void>;
  sendDraft(messageId: string): Promise<GraphRequestInfo>;
  /** Closes idle keep-alive connections; requests after close fail. */
  close(): void;
}
