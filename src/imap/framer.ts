/**
 * IMAP response framer (RFC 3501 §2.2.2, §4.3): bytes -> response lines and the literals between them. A line
 * ending in `{n}` (or `{n+}`) is followed by exactly n octets of literal, then the response continues on the next
 * line. Literal bytes are handed out as they arrive (subarray views of the received chunks, never copied or
 * concatenated here): the session decides whether to collect them (small) or stream them to disk (message bodies).
 */
import { XoauthError } from "../errors.js";

export interface ImapFramerHandlers {
  /**
   * One line without CRLF. `literal` is the size announced at its end (`{n}`), in which case the next n bytes go
   * to onLiteral and the same response continues afterwards.
   */
  onLine(line: string, literal: number | undefined): void;
  /** A piece of the current literal (a view into the received chunk: copy it if you keep it past this call). */
  onLiteral(chunk: Buffer): void;
  /** The current literal is complete. */
  onLiteralEnd(): void;
}

export interface ImapFramerLimits {
  /** Longest line (CRLF included); the session raises it while a `* SEARCH` answer may be long. */
  maxLineBytes: number;
  /** Largest literal announced by the server. */
  maxLiteralBytes: number;
}

const LF = 10;
const CR = 13;
/** `{123}` or `{123+}` (LITERAL+ syntax is not for servers, but harmless) at the end of a line. */
const LITERAL_RE = /\{(\d+)\+?\}$/;

export function limitError(what: string, limit: number): XoauthError {
  return new XoauthError("LIMIT_EXCEEDED", `The IMAP server sent a ${what} larger than ${limit} bytes.`);
}

/** Push-driven: `feed()` bytes in, handlers are called synchronously, limit violations throw XoauthError. */
export class ImapFramer {
  /** Bytes of an unfinished line (at most maxLineBytes). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Literal bytes still expected; 0 when reading lines. */
  private literalLeft = 0;
  /** Set by halt(): bytes are kept raw (in `rest`) instead of framed. */
  private halted = false;
  private rest: Buffer[] = [];

  constructor(
    private readonly handlers: ImapFramerHandlers,
    readonly limits: ImapFramerLimits,
  ) {}

  /** Whether the framer is in the middle of a literal. */
  get inLiteral(): boolean {
    return this.literalLeft > 0;
  }

  feed(chunk: Buffer): void {
    if (this.halted) {
      this.rest.push(chunk);
      return;
    }
    let pos = 0;
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const n = Math.min(this.literalLeft, chunk.length - pos);
        this.handlers.onLiteral(pos === 0 && n === chunk.length ? chunk : chunk.subarray(pos, pos + n));
        this.literalLeft -= n;
        pos += n;
        if (this.literalLeft === 0) this.handlers.onLiteralEnd();
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      const end = lf === -1 ? chunk.length : lf + 1;
      if (this.partialBytes + (end - pos) > this.limits.maxLineBytes) {
        throw limitError("line", this.limits.maxLineBytes);
      }
      if (lf === -1) {
        this.partial.push(chunk.subarray(pos));
        this.partialBytes += chunk.length - pos;
        return;
      }
      let bytes = chunk.subarray(pos, end);
      if (this.partial.length > 0) {
        this.partial.push(bytes);
        bytes = Buffer.concat(this.partial, this.partialBytes + bytes.length);
        this.partial = [];
        this.partialBytes = 0;
      }
      pos = end;
      this.line(bytes);
      if (this.halted) {
        if (pos < chunk.length) this.rest.push(chunk.subarray(pos));
        return;
      }
    }
  }

  /**
   * Stops framing after the line being handled (called from onLine): the bytes after it are kept as received, for
   * a hand-over of the connection (takeRest) or until resume().
   */
  halt(): void {
    this.halted = true;
  }

  /** Framing goes on; returns the bytes kept while halted (the caller feeds them back in). */
  resume(): Buffer {
    this.halted = false;
    return this.takeRest();
  }

  /** The bytes received and not framed: an unfinished line and whatever arrived while halted. */
  takeRest(): Buffer {
    const out = Buffer.concat([...this.partial, ...this.rest]);
    this.partial = [];
    this.partialBytes = 0;
    this.rest = [];
    return out;
  }

  private line(bytes: Buffer): void {
    // CRLF is the rule (RFC 3501 §2.2); a bare LF is tolerated as a line end.
    const stop = bytes.length >= 2 && bytes[bytes.length - 2] === CR ? bytes.length - 2 : bytes.length - 1;
    const text = bytes.toString("utf8", 0, stop);
    const m = LITERAL_RE.exec(text);
    if (!m) {
      this.handlers.onLine(text, undefined);
      return;
    }
    const size = Number(m[1]);
    if (!Number.isSafeInteger(size) || size > this.limits.maxLiteralBytes) {
      throw limitError("literal", this.limits.maxLiteralBytes);
    }
    this.literalLeft = size;
    this.handlers.onLine(text, size);
    if (size === 0) this.handlers.onLiteralEnd();
  }

  /** Drops buffered bytes (after STARTTLS nothing received in plaintext may be used). */
  reset(): void {
    this.partial = [];
    this.partialBytes = 0;
    this.literalLeft = 0;
    this.halted = false;
    this.rest = [];
  }

  /** Bytes received and not framed yet (STARTTLS: must be 0 when the TLS handshake starts). */
  get pendingBytes(): number {
    return this.partialBytes + this.rest.reduce((n, b) => n + b.length, 0);
  }
}
