/**
 * Pull-based framer over a socket: CRLF lines and counted byte runs (IMAP literals), bounded. One reader for the
 * proxy (client side until login, upstream login) and the sandbox fake's POP3/IMAP servers.
 *
 * Bounds: a line longer than maxLine is LIMIT_EXCEEDED; reading pauses while more than maxBuffered bytes wait unread
 * (default maxLine), so a peer that pipelines without end holds at most that plus one socket chunk.
 * `detach()` hands back the unread bytes (the proxy's byte-for-byte pipe, a TLS upgrade) and leaves the socket paused.
 */
import type { Duplex } from "node:stream";
import { XoauthError } from "../errors.js";

export interface LineReaderOptions {
  /** Pause the socket while more than this many bytes are unread (default maxLine). */
  maxBuffered?: number;
  /** Largest counted read (`readBytes`) allowed (default maxLine). */
  maxRead?: number;
}

/** A line (or counted read) over the reader's bound: the peer is hostile or broken; end the connection. */
export class LineTooLongError extends XoauthError {
  constructor(max: number) {
    super("LIMIT_EXCEEDED", `A line longer than ${max} bytes was received.`);
  }
}

export class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly maxBuffered: number;
  private readonly maxRead: number;
  private readonly onData = (d: Buffer): void => {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    if (this.buf.length > this.maxBuffered) this.socket.pause();
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (e: Error): void => {
    this.failure = e;
    this.notify();
  };

  constructor(
    private readonly socket: Duplex,
    readonly maxLine: number,
    opts: LineReaderOptions = {},
  ) {
    this.maxBuffered = opts.maxBuffered ?? maxLine;
    this.maxRead = opts.maxRead ?? maxLine;
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("close", this.onEnd);
    socket.on("error", this.onError);
  }

  /** No more input will come (the peer ended, the socket failed or was destroyed, or `close()` was called). */
  get done(): boolean {
    return this.ended || this.failure !== undefined || this.socket.destroyed;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Waits for more bytes; false when none will come. */
  private async more(): Promise<boolean> {
    if (this.done) return false;
    if (this.socket.isPaused()) this.socket.resume();
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    return true;
  }

  /** The next line without its CRLF (a bare LF is accepted too), or null at the end of input. */
  async line(): Promise<Buffer | null> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        if (nl + 1 > this.maxLine) throw new LineTooLongError(this.maxLine);
        const end = nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl;
        const line = Buffer.from(this.buf.subarray(0, end));
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (this.buf.length > this.maxLine) throw new LineTooLongError(this.maxLine);
      if (!(await this.more())) return null;
    }
  }

  /** Exactly n bytes (an IMAP literal), or null at the end of input. */
  async bytes(n: number): Promise<Buffer | null> {
    if (n > this.maxRead) throw new LineTooLongError(this.maxRead);
    while (this.buf.length < n) if (!(await this.more())) return null;
    const out = Buffer.from(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Like `line()` as UTF-8, but the end of input is an error (the socket's, or CONNECTION_CLOSED). */
  async readLine(): Promise<string> {
    return (await this.line())?.toString("utf8") ?? this.closedError();
  }

  /** Like `bytes()`, but the end of input is an error. */
  async readBytes(n: number): Promise<Buffer> {
    return (await this.bytes(n)) ?? this.closedError();
  }

  private closedError(): never {
    throw this.failure ?? new XoauthError("CONNECTION_CLOSED", "The peer closed the connection.");
  }

  /** Bytes received and not yet read (bounded by maxBuffered plus one socket chunk). */
  get bufferedBytes(): number {
    return this.buf.length;
  }

  /** True when bytes arrived that nobody has read yet (e.g. pipelined after STARTTLS: must be discarded). */
  hasBuffered(): boolean {
    return this.buf.length > 0;
  }

  /** Ends reading from our side: a pending or later read sees the end of input once the buffered lines are read. */
  close(): void {
    this.ended = true;
    this.notify();
  }

  /** Stops reading; returns the bytes received but not consumed. The socket is left paused. */
  detach(): Buffer {
    this.socket.off("data", this.onData);
    this.socket.off("end", this.onEnd);
    this.socket.off("close", this.onEnd);
    this.socket.off("error", this.onError);
    this.socket.pause();
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }
}
