/**
 * Lines and literals (from the framer) -> complete responses (RFC 3501 §7): the text lines and in-memory literals of
 * one response are collected (at most maxMultilineReplyBytes in all, literals at most maxImapLiteralBytes each); a
 * literal the running command wants streamed goes to its Writable instead, with backpressure and its failures
 * reported. Untagged, tagged and continuation responses are handed on in order.
 */
import type { Writable } from "node:stream";
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { redact } from "../log/redact.js";
import { limitError } from "./framer.js";
import { parseTagged, parseUntaggedHead, type Segment } from "./parser.js";
import { type Response, STREAMED, type TraceFn } from "./session-types.js";

/** What ends a wait for a sink's backpressure: it took its bytes, or it will take no more. */
const SETTLED = ["drain", "finish", "close", "error"] as const;

export interface AssemblerHooks {
  /** Where the literal announced by `head` goes: a Writable (streamed) or undefined (kept in the response). */
  sinkFor(head: string, size: number): Writable | undefined;
  /** A complete response. Throwing fails the session. */
  emit(r: Response): void;
  /** The sink refused its bytes: stop reading until `resume` is called. */
  pause(): void;
  resume(): void;
  /** The sink failed or closed while its literal was still arriving. */
  sinkFailed(e: XoauthError): void;
  trace?: TraceFn;
}

export class ResponseAssembler {
  private segments: Segment[] = [];
  private literal: { sink?: Writable; parts: Buffer[] } | undefined;
  /** Bytes of the response so far that are kept in memory. */
  private bytes = 0;
  private unwatch: (() => void) | undefined;
  /** Sinks that refused bytes and have not taken them yet: reading is paused while there is any. */
  private readonly waiting = new Map<Writable, () => void>();
  /** The text of a `* BYE` the server sent, if any. */
  bye: string | undefined;

  constructor(private readonly hooks: AssemblerHooks) {}

  onLine(text: string, literal: number | undefined): void {
    this.segments.push(text);
    this.bytes += text.length + 2;
    if (literal !== undefined) {
      const sink = this.hooks.sinkFor(this.segments.join(""), literal);
      if (!sink && literal > LIMITS.maxImapLiteralBytes) throw limitError("literal", LIMITS.maxImapLiteralBytes);
      if (!sink) this.bytes += literal;
      if (this.bytes > LIMITS.maxMultilineReplyBytes) throw limitError("response", LIMITS.maxMultilineReplyBytes);
      if (sink) this.watch(sink);
      this.literal = sink ? { sink, parts: [] } : { parts: [] };
      return;
    }
    if (this.bytes > LIMITS.maxMultilineReplyBytes) throw limitError("response", LIMITS.maxMultilineReplyBytes);
    this.bytes = 0;
    const segments = this.segments;
    this.segments = [];
    const first = segments[0] as string;
    this.hooks.trace?.({ dir: "s", line: redact(first.length > 500 ? `${first.slice(0, 500)}...` : first) });
    if (first.startsWith("* ")) {
      const head = parseUntaggedHead(first.slice(2));
      if (head.kind === "status" && head.status === "BYE") this.bye = head.text;
      this.hooks.emit({ kind: "untagged", r: { head, segments } });
    } else if (first.startsWith("+")) {
      this.hooks.emit({ kind: "continue", text: first.slice(1).trimStart() });
    } else {
      const t = parseTagged(first);
      if (!t) throw new XoauthError("PROTOCOL_ERROR", `Unexpected IMAP server line: ${redact(first.slice(0, 200))}`);
      this.hooks.emit({ kind: "tagged", t });
    }
  }

  onLiteral(chunk: Buffer): void {
    const l = this.literal as NonNullable<typeof this.literal>;
    if (!l.sink) {
      l.parts.push(chunk);
      return;
    }
    if (!l.sink.write(chunk)) this.waitFor(l.sink);
  }

  /**
   * Reading stops until the sink took its bytes. Not only 'drain': a sink ended right after its literal (the caller's
   * flush once the tagged OK came in the same chunk) never emits 'drain' (Node skips it once end() was called), and a
   * destroyed one neither; it finishes or closes instead. Waiting for 'drain' alone left the socket paused for good,
   * and a paused socket with the (unref'd) inactivity timer stopped keeps nothing alive: the process ended with exit
   * code 0 in the middle of a run.
   */
  private waitFor(sink: Writable): void {
    if (this.waiting.has(sink)) return;
    const done = () => {
      for (const ev of SETTLED) sink.off(ev, done);
      this.waiting.delete(sink);
      if (this.waiting.size === 0) this.hooks.resume();
    };
    if (this.waiting.size === 0) this.hooks.pause();
    this.waiting.set(sink, done);
    for (const ev of SETTLED) sink.once(ev, done);
  }

  onLiteralEnd(): void {
    const l = this.literal as NonNullable<typeof this.literal>;
    this.literal = undefined;
    if (l.sink) this.unwatch?.();
    // A streamed literal stands in the response as an empty string, so the attributes after it still pair up.
    this.segments.push(l.sink ? STREAMED : Buffer.concat(l.parts));
  }

  /** The session failed: a streamed literal's sink is the caller's (it aborts its delivery on the rejection). */
  abandon(): void {
    this.unwatch?.();
    for (const [sink, done] of this.waiting) for (const ev of SETTLED) sink.off(ev, done);
    this.waiting.clear();
    this.literal = undefined;
  }

  /**
   * A sink that fails (disk full, quota) or closes while its literal is still arriving fails the session: the
   * command rejects with STORE_ERROR instead of an unhandled 'error' event, and no 'drain' is waited for forever.
   */
  private watch(sink: Writable): void {
    const onError = (err: Error) =>
      this.hooks.sinkFailed(
        err instanceof XoauthError
          ? err
          : new XoauthError("STORE_ERROR", `Cannot write the message file: ${err.message}`, { cause: err }),
      );
    const onClose = () =>
      this.hooks.sinkFailed(new XoauthError("STORE_ERROR", "The message file was closed while being written."));
    sink.once("error", onError);
    sink.once("close", onClose);
    this.unwatch = () => {
      sink.off("error", onError);
      sink.off("close", onClose);
      this.unwatch = undefined;
    };
  }
}
