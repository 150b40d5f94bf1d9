/**
 * The client side of a session the proxy serves itself after login (`upstream: graph`): bounded command lines, the
 * idle timeout and the proxy's shutdown both end the wait for the next command, and the byte counts of the close line.
 */
import { LineReader } from "../../net/line-reader.js";
import type { RelayClient, RelayResult } from "../types.js";

export type RelayStop = "idle" | "shutdown";

export class RelayIo {
  readonly reader: LineReader;
  private stop: RelayStop | undefined;
  private waiting = false;
  private readonly readBefore: number;
  private readonly writtenBefore: number;
  private readonly onShutdown = (): void => this.halt("shutdown");

  constructor(
    private readonly c: RelayClient,
    maxLineBytes: number,
  ) {
    const sock = c.socket;
    this.readBefore = sock.bytesRead - c.leftover.length;
    this.writtenBefore = sock.bytesWritten;
    if (c.leftover.length) sock.unshift(c.leftover);
    this.reader = new LineReader(sock, maxLineBytes);
    c.shutdown.addEventListener("abort", this.onShutdown, { once: true });
    if (c.shutdown.aborted) this.onShutdown();
    sock.setTimeout(c.idleTimeoutMs, () => this.halt("idle"));
  }

  /** Why the session stops (idle timeout, shutdown), once it does. */
  get stopped(): RelayStop | undefined {
    return this.stop;
  }

  /** The next command line; null when the client left or the session stops (see `stopped`). */
  async command(): Promise<Buffer | null> {
    this.waiting = true;
    try {
      return this.stop ? null : await this.reader.line();
    } finally {
      this.waiting = false;
    }
  }

  /** Writes one reply line (CRLF added) unless the socket is gone. */
  write(line: string): void {
    const sock = this.c.socket;
    if (!sock.destroyed && !sock.writableEnded) sock.write(`${line}\r\n`);
  }

  result(r: Omit<RelayResult, "bytesUp" | "bytesDown">): RelayResult {
    const sock = this.c.socket;
    return { bytesUp: sock.bytesRead - this.readBefore, bytesDown: sock.bytesWritten - this.writtenBefore, ...r };
  }

  /** Releases the listeners, the timer and the reader (the socket itself is the session's). */
  dispose(): void {
    this.c.shutdown.removeEventListener("abort", this.onShutdown);
    this.c.socket.setTimeout(0);
    this.reader.detach();
  }

  private halt(why: RelayStop): void {
    this.stop ??= why;
    if (this.waiting) this.reader.close();
  }
}
