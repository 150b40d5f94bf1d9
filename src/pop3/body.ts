/** A RETR/TOP message body (RFC 1939 §7) handed out as a Readable, with backpressure onto the socket. */
import { Readable } from "node:stream";

/** Pauses / resumes the source of the bytes (the socket) when the consumer is slow / ready again. */
export interface Flow {
  pause(): void;
  resume(): void;
}

export class BodyStream {
  readonly readable: Readable;
  private paused = false;
  private finished = false;

  constructor(private readonly flow: Flow) {
    this.readable = new Readable({
      highWaterMark: 64 * 1024,
      read: () => this.unpause(),
    });
    // Consumers see errors through their own listeners / iterators; this only keeps the process alive.
    this.readable.on("error", () => {});
    // Destroyed early by the consumer: keep draining the socket, the bytes are discarded.
    this.readable.once("close", () => this.unpause());
  }

  /** True while the consumer is behind and the socket is paused (no idle timeout then). */
  get isPaused(): boolean {
    return this.paused;
  }

  push(chunk: Buffer): void {
    if (this.readable.destroyed || this.finished) return;
    if (!this.readable.push(chunk) && !this.paused) {
      this.paused = true;
      this.flow.pause();
    }
  }

  /** The terminator was seen; `consumed` runs once the consumer read everything (or destroyed the stream). */
  end(consumed: () => void): void {
    this.finished = true;
    let called = false;
    const once = (): void => {
      if (called) return;
      called = true;
      consumed();
    };
    if (this.readable.destroyed) {
      queueMicrotask(once);
      return;
    }
    this.readable.once("end", once);
    this.readable.once("close", once);
    this.readable.push(null);
  }

  fail(err: Error): void {
    if (!this.finished && !this.readable.destroyed) this.readable.destroy(err);
  }

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.flow.resume();
  }
}
