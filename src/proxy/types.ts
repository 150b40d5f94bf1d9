/** The narrow interfaces the proxy core is written against (policy and wiring live in the CLI command). */
import type { Socket } from "node:net";
import type { TokenProvider } from "../auth/types.js";
import type { ErrorCode, XoauthError } from "../errors.js";
import type { ProxyProtocol, UpstreamTarget } from "./config.js";
import type { ProxyLogRecord } from "./log.js";

/** A logged-in upstream connection, ready for the byte-for-byte pipe. */
export interface UpstreamSession {
  socket: Socket;
  /** Bytes the upstream sent after its success reply (forwarded to the client first). */
  leftover: Buffer;
  /** The upstream's success line (POP3 `+OK ...`, SMTP `235 ...`, IMAP tagged OK text). */
  successText: string;
  /** IMAP: post-auth capabilities from the upstream (CAPABILITY response code or untagged reply). */
  capabilities?: string[];
  /**
   * Graph upstream: the proxy serves the rest of the session itself (no byte pipe; `socket` is an unused placeholder).
   * Resolves when the session is over, with what the session's close log line reports.
   */
  serve?: (client: RelayClient) => Promise<RelayResult>;
}

/** The client side handed to an upstream that serves the session itself. */
export interface RelayClient {
  socket: Socket;
  /** Bytes the client sent after its login that were not read yet. */
  leftover: Buffer;
  idleTimeoutMs: number;
  shutdown: AbortSignal;
  /** Writes one log record of this session (session, listener, user and account filled in). */
  log: (rec: Omit<ProxyLogRecord, "session" | "listener" | "protocol" | "user" | "account">) => void;
}

export interface RelayResult {
  bytesUp: number;
  bytesDown: number;
  outcome: "ok" | "idle-timeout" | "shutdown" | "client-closed" | "error";
  code?: ErrorCode;
  message?: string;
}

/** Who a local user is upstream. */
export interface UpstreamAccount {
  /** Account name from the config (for logs). */
  name: string;
  /** Target mailbox, the XOAUTH2 `user=`. */
  mailbox: string;
  tokens: TokenProvider;
  /** Graph upstream: the API root (with version) and a provider of Graph-scoped tokens for this account. */
  graph?: { url: string; tokens: TokenProvider; ca?: string[] };
  /** Graph upstream: MAIL FROM addresses accepted besides `mailbox` (proxy.users[].sendAs). */
  sendAs?: string[];
}

export interface UpstreamLoginRequest {
  protocol: ProxyProtocol;
  target: UpstreamTarget;
  account: UpstreamAccount;
  /** SMTP: the client's EHLO argument, reused upstream. */
  ehloName?: string;
  /** Cancels the login (the client left, login timeout, shutdown): the upstream socket is closed, the call rejects. */
  signal?: AbortSignal;
}

/** Connects upstream and logs in with XOAUTH2; rejects with an XoauthError. */
export interface UpstreamLogin {
  login(req: UpstreamLoginRequest): Promise<UpstreamSession>;
  /** Releases what logins share (the Graph clients); called when the proxy has stopped. */
  close?(): void;
}

/** Outcome of one login attempt, as the frontend needs it to answer the client. */
export type LoginResult =
  | { ok: true; upstream: UpstreamSession }
  | { ok: false; kind: "local" }
  | { ok: false; kind: "upstream"; temporary: boolean; error: XoauthError };

/** Verifies the local password, then logs in upstream. Frontends call this with what the client sent. */
export type LoginFn = (username: string, password: string, hints?: { ehloName?: string }) => Promise<LoginResult>;
