/**
 * An in-process stand-in for the client socket of the server-side readers (src/net/line-reader.ts,
 * as the proxy and src/sandbox/exchange/conn.ts use it): delivers the given chunks one per microtask while flowing, then 'end' and 'close'.
 * Like a net.Socket it honours pause()/resume() and never delivers data synchronously from resume().
 */
import { EventEmitter } from "node:events";
import type { Duplex } from "node:stream";

export class ChunkSocket extends EventEmitter {
  destroyed = false;
  writable = true;
  readonly written: string[] = [];
  private flowing = false;
  private scheduled = false;
  private next = 0;
  private done = false;

  constructor(private readonly chunks: readonly Buffer[]) {
    super();
  }

  /** Starts delivering (call after the reader attached its listeners). */
  start(): this {
    return this.resume();
  }

  pause(): this {
    this.flowing = false;
    return this;
  }

  resume(): this {
    this.flowing = true;
    this.schedule();
    return this;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.pump());
  }

  isPaused(): boolean {
    return !this.flowing;
  }

  write(data: string | Buffer): boolean {
    this.written.push(Buffer.isBuffer(data) ? data.toString("latin1") : data);
    return true;
  }

  end(): this {
    this.writable = false;
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    return this;
  }

  get duplex(): Duplex {
    return this as unknown as Duplex;
  }

  private pump(): void {
    this.scheduled = false;
    if (!this.flowing || this.done) return;
    const c = this.chunks[this.next++];
    if (c === undefined) {
      this.done = true;
      this.emit("end");
      this.emit("close");
      return;
    }
    this.emit("data", c);
    if (this.flowing) this.schedule();
  }
}
