/** The narrow interfaces the proxy core is written against (policy and wiring live in the CLI command). */
import type { Socket } from "node:net";
import type { TokenProvider } from "../auth/types.js";
import type { XoauthError } from "../errors.js";
import type { ProxyProtocol, UpstreamTarget } from "./config.js";

/** A logged-in upstream connection, ready for the byte-for-byte pipe. */
export interface UpstreamSession {
  socket: Socket;
  /** Bytes the upstream sent after its success reply (forwarded to the client first). */
  leftover: Buffer;
  /** The upstream's success line (POP3 `+OK ...`, SMTP `235 ...`, IMAP tagged OK text). */
  successText: string;
  /** IMAP: post-auth capabilities from the upstream (CAPABILITY response code or untagged reply). */
  capabilities?: string[];
}

/** Who a local user is upstream. */
export interface UpstreamAccount {
  /** Account name from the config (for logs). */
  name: string;
  /** Target mailbox, the XOAUTH2 `user=`. */
  mailbox: string;
  tokens: TokenProvider;
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
}

/** Outcome of one login attempt, as the frontend needs it to answer the client. */
export type LoginResult =
  | { ok: true; upstream: UpstreamSession }
  | { ok: false; kind: "local" }
  | { ok: false; kind: "upstream"; temporary: boolean; error: XoauthError };

/** Verifies the local password, then logs in upstream. Frontends call this with what the client sent. */
export type LoginFn = (username: string, password: string, hints?: { ehloName?: string }) => Promise<LoginResult>;
