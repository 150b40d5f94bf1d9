/** Public types of the IMAP client (imapflow underneath). */
import type { TokenProvider } from "../auth/types.js";

/** `implicit`: IMAPS (993, RFC 8314 §3.3); `starttls`: 143 + STARTTLS (RFC 3501 §6.2.1). */
export type ImapTlsMode = "implicit" | "starttls";

/** One redacted protocol transcript line: `c` sent by us, `s` from the server, `info` a connection event. */
export interface TraceEvent {
  dir: "c" | "s" | "info";
  line: string;
}

export type TraceFn = (event: TraceEvent) => void;

export interface ImapConnectOptions {
  host: string;
  port: number;
  tls: ImapTlsMode;
  /** Extra trusted CA certificates (PEM), in addition to Node's roots. Verification is always on. */
  ca?: string | string[];
  /** TLS server name when it differs from `host`. */
  servername?: string;
  /** The target mailbox (primary SMTP address): the XOAUTH2 `user=`. */
  user: string;
  /** The access token, or a provider asked once per connection. */
  token: TokenProvider | string;
  onTrace?: TraceFn;
  timeouts?: { connectMs?: number; greetingMs?: number; commandMs?: number };
}

/** Durations of the login phases in ms (undefined when the phase was not reached). */
export interface ImapTimings {
  /** TCP (+ TLS for implicit) connect. */
  connectMs?: number;
  /** Connection established -> greeting. */
  greetingMs?: number;
  /** STARTTLS command -> TLS established (starttls mode only). */
  starttlsMs?: number;
  /** AUTHENTICATE sent -> tagged OK. */
  authMs?: number;
}

export interface ImapMailboxInfo {
  path: string;
  delimiter: string;
  specialUse?: string;
}

/** EXAMINE INBOX result (RFC 3501 §6.3.2). */
export interface ImapExamineResult {
  exists: number;
  uidValidity: number;
  uidNext: number;
}

export interface ImapSession {
  /** Capabilities before authentication (as advertised with the greeting / CAPABILITY / after STARTTLS). */
  readonly preAuthCapabilities: string[];
  /** Capabilities after authentication. */
  readonly capabilities: string[];
  readonly timings: ImapTimings;
  /** The underlying imapflow client, for commands this wrapper does not cover (fetch). */
  readonly client: import("imapflow").ImapFlow;
  listMailboxes(): Promise<ImapMailboxInfo[]>;
  examineInbox(): Promise<ImapExamineResult>;
  logout(): Promise<void>;
  /** Drops the connection without LOGOUT (idempotent). */
  close(): void;
}
