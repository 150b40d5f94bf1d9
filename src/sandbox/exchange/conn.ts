/**
 * Server-side connection framer shared by the POP3 and IMAP fakes: CRLF lines and counted literals with bounds,
 * pulled by an async session loop (so commands run strictly one after another), plus in-place TLS upgrade.
 */
import type { Socket } from "node:net";
import { type SecureContext, TLSSocket } from "node:tls";

export class LineTooLongError extends Error {}

export class ServerConn {
  socket: Socket;
  /** A message body is being written in parts (stall fault): nothing else may be written in between. */
  bodyInFlight = false;
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;
  private readonly onData = (d: Buffer): void => {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    if (this.buf.length > this.maxBuffered) this.socket.pause();
    this.wake();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };

  constructor(
    socket: Socket,
    readonly maxLine: number,
    readonly maxBuffered = 1024 * 1024,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  get closed(): boolean {
    return this.ended || this.socket.destroyed;
  }

  private attach(s: Socket): void {
    s.on("data", this.onData);
    s.on("end", this.onEnd);
    s.on("close", this.onEnd);
    s.on("error", this.onEnd);
  }

  private detach(s: Socket): void {
    s.off("data", this.onData);
    s.off("end", this.onEnd);
    s.off("close", this.onEnd);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private wait(): Promise<void> {
    if (this.socket.isPaused()) this.socket.resume();
    return new Promise((r) => {
      this.waiter = r;
    });
  }

  /** Next line without CRLF (a bare LF is accepted too), or null at EOF. Throws LineTooLongError past maxLine. */
  async nextLine(): Promise<Buffer | null> {
    for (;;) {
      const i = this.buf.indexOf(10);
      if (i >= 0) {
        if (i + 1 > this.maxLine) throw new LineTooLongError("line too long");
        const end = i > 0 && this.buf[i - 1] === 13 ? i - 1 : i;
        const line = this.buf.subarray(0, end);
        this.buf = this.buf.subarray(i + 1);
        return Buffer.from(line);
      }
      if (this.buf.length > this.maxLine) throw new LineTooLongError("line too long");
      if (this.closed) return null;
      await this.wait();
    }
  }

  /** Exactly n bytes (an IMAP literal), or null at EOF. */
  async readBytes(n: number): Promise<Buffer | null> {
    while (this.buf.length < n) {
      if (this.closed) return null;
      await this.wait();
    }
    const out = Buffer.from(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return out;
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** True if the client already sent bytes after the current command (used to refuse STARTTLS injection). */
  get hasBufferedInput(): boolean {
    return this.buf.length > 0;
  }

  /** Upgrades the plain socket to TLS in place (POP3 STLS). */
  async startTls(context: SecureContext): Promise<void> {
    const plain = this.socket;
    this.detach(plain);
    this.buf = Buffer.alloc(0);
    const tls = new TLSSocket(plain, { isServer: true, secureContext: context });
    await new Promise<void>((resolve, reject) => {
      tls.once("secure", () => resolve());
      tls.once("error", reject);
    }).catch(() => {
      this.ended = true;
    });
    this.socket = tls;
    this.attach(tls);
  }

  close(): void {
    this.ended = true;
    if (!this.socket.destroyed) this.socket.end();
    this.wake();
  }

  destroy(): void {
    this.ended = true;
    this.socket.destroy();
    this.wake();
  }
}

/** Sends a message body, honouring the drop-after-N-bytes and stall fault hooks. Returns false if dropped. */
export async function writeBody(
  conn: ServerConn,
  body: Buffer,
  faults: { dropAfterBytes?: number; stallMs?: number },
): Promise<boolean> {
  const drop = faults.dropAfterBytes;
  if (drop !== undefined && drop < body.length) {
    conn.write(body.subarray(0, drop));
    await new Promise<void>((r) => conn.socket.write("", () => r()));
    conn.destroy();
    return false;
  }
  if (faults.stallMs && body.length > 1) {
    const half = Math.floor(body.length / 2);
    conn.bodyInFlight = true;
    try {
      conn.write(body.subarray(0, half));
      await new Promise((r) => setTimeout(r, faults.stallMs));
      conn.write(body.subarray(half));
    } finally {
      conn.bodyInFlight = false;
    }
    return true;
  }
  conn.write(body);
  return true;
}
