/** POP3 session vocabulary (RFC 1939 §3): states, allowed commands per state, request / response shapes. */
import type { Readable } from "node:stream";
import type { LIMITS } from "../limits.js";
import type { TraceFn } from "../net/types.js";
import type { FramerLimits } from "./framer.js";
import type { Pop3Reply } from "./parser.js";

/** Session states (RFC 1939 §3); CLOSED once the connection is gone. */
export type Pop3State = "AUTHORIZATION" | "TRANSACTION" | "UPDATE" | "CLOSED";

/** Commands allowed in each state (RFC 1939 §4-6, RFC 2449 §5, RFC 2595 §4, RFC 5034 §4). */
export const ALLOWED_COMMANDS: Readonly<Record<Pop3State, ReadonlySet<string>>> = {
  AUTHORIZATION: new Set(["CAPA", "STLS", "AUTH", "USER", "PASS", "QUIT"]),
  TRANSACTION: new Set(["CAPA", "STAT", "LIST", "UIDL", "TOP", "RETR", "DELE", "RSET", "NOOP", "QUIT"]),
  UPDATE: new Set(),
  CLOSED: new Set(),
};

/** Commands that may be sent ahead of earlier replies when the server advertises PIPELINING (RFC 2449 §6.6). */
export const PIPELINABLE = new Set(["STAT", "LIST", "UIDL", "TOP", "RETR", "DELE", "RSET", "NOOP"]);

/** How a `+OK` reply continues: nothing more, multi-line text, or a message body. */
export type ReplyShape = "single" | "lines" | "body";

export interface Pop3Request {
  verb: string;
  /** Everything after the verb (may be empty). */
  args?: string;
  shape: ReplyShape;
  /** What the trace shows instead of the real line (e.g. `PASS <redacted>`). */
  trace?: string;
  /** SASL: called for each `+ challenge`; returns the next client line (already marked secret if it is one). */
  onContinue?: (challenge: string) => string;
  /**
   * Shape `body`: a body of at most this many bytes is handed over whole (`chunks`, answered once its end arrived),
   * a bigger one as a stream (answered when this many bytes arrived). Without: always a stream, answered at `+OK`.
   */
  wholeUpTo?: number;
}

export interface Pop3Response {
  reply: Pop3Reply;
  /** Multi-line text reply lines (dot-unstuffed), empty otherwise. */
  lines: string[];
  /** Message body (RETR/TOP): must be consumed or destroyed before the session reads the next reply. */
  body?: Readable;
  /** The whole message body (with `wholeUpTo`), dot-unstuffed; the session reads on once `release` is called. */
  chunks?: Buffer[];
  /** With `chunks`: lets the session read the next reply (the chunks stay valid). Call it exactly once. */
  release?: () => void;
}

/** Per-phase timeouts in milliseconds (defaults: LIMITS.timeouts). */
export type Pop3Timeouts = { [K in keyof typeof LIMITS.timeouts]: number };

export interface SessionOptions {
  host: string;
  port: number;
  /** Protocol transcript: `c` lines sent, `s` lines received; secrets redacted unless revealed. */
  onTrace?: TraceFn;
  /**
   * The connection is handed over after login (the proxy): once AUTH or PASS succeeded the session reads nothing
   * more, and `detach()` returns the socket with the bytes that came after the success reply.
   */
  handOverAfterLogin?: boolean;
  timeouts?: Partial<Pop3Timeouts>;
  limits?: Partial<FramerLimits>;
  /** Most commands in flight at once when pipelining. */
  pipelineWindow?: number;
}

/** The narrow session interface commands are written against. */
export interface Pop3Transport {
  readonly state: Pop3State;
  command(req: Pop3Request): Promise<Pop3Response>;
}
