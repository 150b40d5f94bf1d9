/**
 * Pull-based framer over a socket for the proxy's login phase: CRLF lines and IMAP literals, bounded.
 * After login `detach()` hands back the unread bytes so the byte-for-byte pipe loses nothing.
 */
import type { Duplex } from "node:stream";
import { XoauthError } from "../errors.js";

export class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onData = (d: Buffer): void => {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    if (this.buf.length > this.maxLine) this.socket.pause();
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
    private readonly maxLine: number,
  ) {
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("close", this.onEnd);
    socket.on("error", this.onError);
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async waitMore(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ended) throw new XoauthError("CONNECTION_CLOSED", "The peer closed the connection.");
    this.socket.resume();
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  /** Next line without its CRLF (a bare LF is accepted too). Throws LIMIT_EXCEEDED past maxLine bytes. */
  async readLine(): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        if (nl + 1 > this.maxLine) throw tooLong(this.maxLine);
        const end = nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl;
        const line = this.buf.subarray(0, end).toString("utf8");
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (this.buf.length > this.maxLine) throw tooLong(this.maxLine);
      await this.waitMore();
    }
  }

  /** Exactly n bytes (an IMAP literal). */
  async readBytes(n: number): Promise<Buffer> {
    if (n > this.maxLine) throw tooLong(this.maxLine);
    while (this.buf.length < n) await this.waitMore();
    const out = Buffer.from(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Bytes received and not yet read (bounded by maxLine plus one socket chunk: reading pauses above maxLine). */
  get bufferedBytes(): number {
    return this.buf.length;
  }

  /** True when bytes arrived that nobody has read yet (e.g. pipelined after STARTTLS: must be discarded). */
  hasBuffered(): boolean {
    return this.buf.length > 0;
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

function tooLong(max: number): XoauthError {
  return new XoauthError("LIMIT_EXCEEDED", `A line longer than ${max} bytes was received.`);
}
