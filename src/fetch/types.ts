/** Public vocabulary of the fetch engine: options, events, summary. */
import type { TokenProvider } from "../auth/types.js";
import type { GraphClient, GraphClientOptions } from "../graph/types.js";
import type { ServerTlsMode } from "../net/types.js";

export type FetchProtocol = "pop3" | "imap" | "graph";

/** How fetch reaches Microsoft Graph (`--protocol graph`); the token provider must give Graph tokens. */
export interface FetchGraphOptions {
  /** API root with version: `https://graph.microsoft.com/v1.0` (per cloud, or `--graph-url`). */
  baseUrl: string;
  ca?: string[] | undefined;
  proxy?: string | undefined;
  noProxy?: string | undefined;
  /** Requests in flight for the mailbox, 1-4 (default GRAPH_LIMITS.maxConcurrency). */
  maxConcurrency?: number | undefined;
  /** Builds the client (tests inject a double); default createGraphClient from src/graph/client.ts. */
  createClient?: ((opts: GraphClientOptions) => GraphClient) | undefined;
}

export interface FetchServer {
  host: string;
  port: number;
  tls: ServerTlsMode;
  /** Extra trusted CA PEMs (verification stays on). */
  ca?: string[];
  servername?: string;
}

export interface FetchTimeouts {
  connectMs?: number;
  greetingMs?: number;
  commandMs?: number;
  /** Inactivity while a message body streams. */
  dataIdleMs?: number;
}

export interface FetchOptions {
  /** The mailbox address (XOAUTH2 `user=`), also the account key of the state. */
  account: string;
  protocol: FetchProtocol;
  server: FetchServer;
  /** Asked before every (re)connect: refresh and expiry live there. */
  tokenProvider: TokenProvider;
  maildir: string;
  /** IMAP folder (default INBOX); Graph folder path (default inbox; nested: `Inbox/Invoices`). */
  folder?: string;
  /**
   * Remove from the server once durable locally (POP3 DELE + QUIT, IMAP \Deleted + UID EXPUNGE, Graph DELETE: to
   * Deleted Items).
   */
  delete: boolean;
  /** Graph: move each message to this folder (path like --folder) once durable locally. */
  moveTo?: string;
  /** Graph: mark each message read once durable locally. */
  markRead?: boolean;
  /** Required with protocol "graph". */
  graph?: FetchGraphOptions;
  /** Fetch at most this many new messages in this run. */
  limit?: number;
  /** Run once per delivered message with the file path (shell command; path in $1 and XOAUTH_MAIL_FILE). */
  exec?: string;
  /** A failing --exec stops the run before that message is deleted. */
  execRequired?: boolean;
  /** Extract attachments and a JSON sidecar per message into this directory. */
  attachmentsDir?: string;
  /** Messages per durability batch (default 64). */
  batchMessages?: number;
  /** Bytes per durability batch (default 32 MiB). */
  batchBytes?: number;
  timeouts?: FetchTimeouts;
  /** Reconnects without progress before giving up (default 3). */
  retries?: number;
  /** First backoff delay, doubled per failed attempt (default 1000 ms, capped at 30 s). */
  backoffMs?: number;
  /** IMAP: messages larger than this are streamed with partial FETCHes instead of one bulk FETCH (default 1 MiB). */
  streamThresholdBytes?: number;
  onEvent?: (e: FetchEvent) => void;
  /** Aborting stops after the current message; nothing partial is left in new/. */
  signal?: AbortSignal;
}

export type FetchEvent =
  | { type: "connected"; attempt: number }
  | { type: "plan"; messages: number; bytes: number; skipped: number }
  | { type: "message"; id: string; bytes: number; path: string }
  | { type: "batch"; delivered: number }
  | { type: "deleted"; count: number }
  | {
      type: "retry";
      attempt: number;
      delayMs: number;
      code: string;
      message: string;
      /** `token-expired`: the server ended the session because its token expired; a re-login, not a failure. */
      reason?: "token-expired";
    }
  | { type: "uidvalidity"; previous: number; current: number }
  | { type: "hook"; id: string; ok: boolean; detail: string }
  | { type: "warning"; message: string };

export interface FetchErrorInfo {
  code: string;
  message: string;
  /** Microsoft Graph's request-id of the refused request (for Microsoft support); Graph only. */
  requestId?: string;
}

/** The `--json` summary (stable field names). */
export interface FetchSummary {
  ok: boolean;
  account: string;
  protocol: FetchProtocol;
  fetched: number;
  bytes: number;
  deleted: number;
  skipped: number;
  errors: FetchErrorInfo[];
  ms: number;
}
