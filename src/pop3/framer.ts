/**
 * POP3 framer (RFC 1939 §3): bytes -> single lines, multi-line text lines, or a streamed message body.
 * Multi-line data is dot-unstuffed and ends at CRLF "." CRLF, wherever the TCP chunks split it. 8-bit clean.
 */
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";

/** `line`: single-line replies; `lines`: a multi-line text reply (CAPA, LIST, UIDL); `body`: RETR/TOP bytes. */
export type FramerMode = "line" | "lines" | "body";

export interface FramerHandlers {
  /** A single-line reply (status line or SASL continuation), without its line ending. */
  onLine(line: string): void;
  /** One line of a multi-line text reply, dot-unstuffed, without its line ending. */
  onDataLine(line: string): void;
  /** A piece of a message body, dot-unstuffed, line endings kept as sent. */
  onBody(chunk: Buffer): void;
  /** The terminating "." line of a multi-line reply or body was consumed. */
  onEnd(): void;
}

export interface FramerLimits {
  maxLineBytes: number;
  maxMultilineReplyBytes: number;
  maxMessageBytes: number;
}

const EMPTY = Buffer.alloc(0);
const CR_BYTE = Buffer.from("\r");
const CRLF_DOT = Buffer.from("\r\n.");
const CR = 13;
const LF = 10;
const DOT = 0x2e;

/** Body scanner states: at line start, inside a line, after CR, after a line-initial dot, after ".\r". */
enum Body {
  LineStart,
  Mid,
  AfterCr,
  Dot,
  DotCr,
}

function limitError(what: string, limit: number): XoauthError {
  return new XoauthError("LIMIT_EXCEEDED", `The server sent a ${what} longer than ${limit} bytes.`);
}

/**
 * Push-driven framer: `feed()` bytes in; handlers are called synchronously; errors are thrown as XoauthError.
 * Bytes that arrive while held are queued as they came (never concatenated: a 50 MB body queued behind a small one
 * must not be re-copied per chunk); `buf` only ever holds the current chunk or a partial line (< maxLineBytes) + one chunk.
 */
export class Pop3Framer {
  private buf: Buffer = EMPTY;
  /** Bytes of `buf` before this offset are framed already (lines advance it instead of slicing `buf` per line). */
  private pos = 0;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private mode: FramerMode = "line";
  private held = false;
  private st: Body = Body.LineStart;
  private count = 0;
  private readonly limits: FramerLimits;

  constructor(
    private readonly h: FramerHandlers,
    limits: Partial<FramerLimits> = {},
  ) {
    this.limits = { ...LIMITS, ...limits };
  }

  /** Current mode; handlers may switch it synchronously from `onLine` with `expect()`. */
  get currentMode(): FramerMode {
    return this.mode;
  }

  /** True while paused after a body ended, until `release()`. */
  get isHeld(): boolean {
    return this.held;
  }

  /** Bytes received but not yet framed (STLS must see none: RFC 2595 §4 / CVE-2011-0411). */
  get buffered(): number {
    return this.buf.length - this.pos + this.queued;
  }

  /**
   * Stops framing after the line being handled (called from `onLine`): the rest stays unread for `take()`, when the
   * connection is handed over after login.
   */
  hold(): void {
    this.held = true;
  }

  /** The bytes received but not framed, in arrival order; the framer is empty afterwards. */
  take(): Buffer {
    const rest = Buffer.concat([this.buf.subarray(this.pos), ...this.queue.splice(0)]);
    this.buf = EMPTY;
    this.pos = 0;
    this.queued = 0;
    return rest;
  }

  /** The reply just framed (via `onLine`) continues as multi-line text or a body. */
  expect(mode: "lines" | "body"): void {
    this.mode = mode;
    this.st = Body.LineStart;
    this.count = 0;
  }

  /** Resumes framing after a body ended (the session calls this once the body was consumed). */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.drain();
    this.flush();
  }

  feed(chunk: Buffer): void {
    if (this.held || this.queue.length > 0) {
      this.queue.push(chunk);
      this.queued += chunk.length;
      this.flush();
      return;
    }
    this.append(chunk);
    this.drain();
  }

  /** Frames queued chunks in arrival order until a body ends (held) or the queue is empty. */
  private flush(): void {
    while (!this.held && this.queue.length > 0) {
      const chunk = this.queue.shift() as Buffer;
      this.queued -= chunk.length;
      this.append(chunk);
      this.drain();
    }
  }

  private append(chunk: Buffer): void {
    this.buf = this.pos >= this.buf.length ? chunk : Buffer.concat([this.buf.subarray(this.pos), chunk]);
    this.pos = 0;
  }

  private drain(): void {
    while (!this.held && this.pos < this.buf.length) {
      if (this.mode === "body") {
        const b = this.pos === 0 ? this.buf : this.buf.subarray(this.pos);
        const used = this.scanBody(b);
        this.buf = used >= b.length ? EMPTY : b.subarray(used);
        this.pos = 0;
        continue;
      }
      const b = this.buf;
      const start = this.pos;
      const idx = b.indexOf(LF, start);
      if (idx < 0) {
        if (b.length - start > this.limits.maxLineBytes) throw limitError("line", this.limits.maxLineBytes);
        return;
      }
      if (idx + 1 - start > this.limits.maxLineBytes) throw limitError("line", this.limits.maxLineBytes);
      const end = idx > start && b[idx - 1] === CR ? idx - 1 : idx;
      // Consumed before a handler runs: one that calls take() gets only what follows this line.
      if (idx + 1 >= b.length) {
        this.buf = EMPTY;
        this.pos = 0;
      } else this.pos = idx + 1;
      if (this.mode === "line") {
        this.h.onLine(b.toString("utf8", start, end));
        continue;
      }
      if (end - start === 1 && b[start] === DOT) {
        this.mode = "line";
        this.h.onEnd();
        continue;
      }
      this.count += idx + 1 - start;
      if (this.count > this.limits.maxMultilineReplyBytes) {
        throw limitError("multi-line reply", this.limits.maxMultilineReplyBytes);
      }
      this.h.onDataLine(b.toString("utf8", end > start && b[start] === DOT ? start + 1 : start, end));
    }
  }

  private emit(b: Buffer): void {
    if (b.length === 0) return;
    this.count += b.length;
    if (this.count > this.limits.maxMessageBytes) throw limitError("message", this.limits.maxMessageBytes);
    this.h.onBody(b);
  }

  /** Scans body bytes; returns how many were consumed (all, unless the terminator was found). */
  private scanBody(b: Buffer): number {
    const n = b.length;
    let i = 0;
    let run = 0;
    while (i < n) {
      const c = b[i] as number;
      switch (this.st) {
        case Body.LineStart:
          if (c === DOT) {
            this.emit(b.subarray(run, i));
            run = ++i; // the dot is held: either stuffing (dropped) or the start of the terminator
            this.st = Body.Dot;
          } else {
            this.st = c === CR ? Body.AfterCr : Body.Mid;
            i++;
          }
          break;
        case Body.Mid: {
          // Only a dot at a line's start matters (stuffing or the end): one search for CRLF "." covers every line
          // until then. Mid is never entered right after a CR, so a CRLF at the chunk's end starts a line in the next.
          const j = b.indexOf(CRLF_DOT, i);
          if (j >= 0) {
            i = j + 2;
            this.st = Body.LineStart;
          } else {
            this.st =
              b[n - 1] === CR
                ? Body.AfterCr
                : n - i >= 2 && b[n - 2] === CR && b[n - 1] === LF
                  ? Body.LineStart
                  : Body.Mid;
            i = n;
          }
          break;
        }
        case Body.AfterCr:
          this.st = c === LF ? Body.LineStart : c === CR ? Body.AfterCr : Body.Mid;
          i++;
          break;
        case Body.Dot:
          if (c === CR) {
            run = ++i; // hold the CR too
            this.st = Body.DotCr;
          } else {
            this.st = Body.Mid; // stuffed dot dropped; c is data
          }
          break;
        case Body.DotCr:
          if (c === LF) {
            this.mode = "line";
            this.held = true;
            this.h.onEnd();
            return i + 1;
          }
          this.emit(CR_BYTE); // "." + bare CR + more: the dot was stuffing, the CR is data
          run = i;
          this.st = Body.AfterCr;
          break;
      }
    }
    this.emit(b.subarray(run, n));
    return n;
  }
}
