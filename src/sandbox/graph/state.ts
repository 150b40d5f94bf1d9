/** What the Graph fake's handlers share: the store, delta engine, sent messages, upload sessions and knobs. */
import type { TokenClaims } from "../../auth/types.js";
import type { GraphReplyId } from "../../exchange/graph-replies.js";
import type { ExchangeDirectory, FakeMailbox } from "../exchange/directory.js";
import type { DeltaEngine } from "./delta.js";
import type { GraphCall } from "./http.js";
import type { GraphStore } from "./store.js";

/** Test knobs, mutable at any time. */
export interface GraphFaults {
  /** Answers queued for the next requests (after the token and mailbox checks), one per request. */
  queue: {
    reply: Extract<GraphReplyId, "throttled" | "service-unavailable" | "gateway-timeout">;
    retryAfterSec: number;
  }[];
  /** Delay before answering each request (ms): e.g. 50 for the RTT benchmark. */
  latencyMs: number;
  /** Requests in flight per app and mailbox before 429 ApplicationThrottled (Exchange's MailboxConcurrency: 4). */
  maxConcurrency: number;
  /** `Retry-After` (seconds) of the concurrency 429. */
  throttleRetryAfterSec: number;
  /** While set, authorised requests wait for it holding their concurrency slot (deterministic 429 tests). */
  hold?: Promise<void> | undefined;
}

/** One message Graph accepted for sending (sendMail, or send of a draft). */
export interface GraphSentMessage {
  at: Date;
  mailbox: string;
  via: "sendMail-mime" | "sendMail-json" | "draft";
  /** Every recipient address (To, Cc, Bcc). */
  recipients: string[];
  raw: Buffer;
  savedToSentItems: boolean;
}

/** An upload session for one attachment of a draft. */
export interface UploadSession {
  id: string;
  authToken: string;
  mailbox: FakeMailbox;
  /** The draft's immutable id. */
  messageImmutableId: string;
  name: string;
  contentType: string;
  isInline: boolean;
  contentId?: string;
  size: number;
  received: number;
  data: Buffer;
  expires: Date;
}

export interface GraphState {
  directory: ExchangeDirectory;
  store: GraphStore;
  delta: DeltaEngine;
  faults: GraphFaults;
  sent: GraphSentMessage[];
  uploads: Map<string, UploadSession>;
  /** `https://127.0.0.1:PORT`. */
  origin: string;
}

/** One authorised request on a mailbox. */
export interface Ctx {
  call: GraphCall;
  st: GraphState;
  mb: FakeMailbox;
  /** The `{id}` of `/users/{id}` as the client wrote it (decoded). */
  user: string;
  claims: TokenClaims;
  /** The `:param` segments of the route, in order. */
  params: string[];
}

/** A request body Graph takes at most (sendMail, drafts, one upload PUT): 4 MB (https://learn.microsoft.com/en-us/graph/api/user-sendmail). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
