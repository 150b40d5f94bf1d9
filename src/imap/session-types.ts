/** Types shared by the IMAP session layers (framer -> assembler -> session -> client). */
import type { Writable } from "node:stream";
import type { TraceFn } from "../net/types.js";
import type { Segment, TaggedLine, UntaggedHead } from "./parser.js";

export interface ImapTimeouts {
  greetingMs: number;
  commandMs: number;
  /** Inactivity while a literal (message body) is arriving. */
  dataIdleMs: number;
}

export interface Untagged {
  head: UntaggedHead;
  /** Line texts and literals of the response, in order (a streamed literal is the STREAMED marker). */
  segments: Segment[];
}

export interface CommandSpec {
  /** The command without tag and CRLF. */
  line: string;
  /** What the trace shows instead of `line` (commands carrying secrets). */
  traceLine?: string;
  onUntagged?(r: Untagged): void | Promise<void>;
  /** A `+` continuation request: returns the line to send (without CRLF), or undefined to send nothing (IDLE). */
  onContinue?(text: string): string | undefined;
  /** A literal announced by `head` (the response text so far): a Writable to stream it to, or undefined to keep it. */
  bodySink?(head: string, size: number): Writable | undefined;
  /** `* SEARCH` answers of large mailboxes are one long line: allow up to maxMultilineReplyBytes. */
  longLines?: boolean;
  /** Inactivity allowed for this command instead of the session's commandMs (IDLE: longer than its re-issue). */
  timeoutMs?: number;
}

/** A complete server response, in arrival order. */
export type Response =
  | { kind: "untagged"; r: Untagged }
  | { kind: "tagged"; t: TaggedLine }
  | { kind: "continue"; text: string };

/** Where a literal streamed to a sink stood in its response (an empty string to the parser; compare by identity). */
export const STREAMED = Buffer.alloc(0);

export type { TraceFn };
