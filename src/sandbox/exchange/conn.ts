/**
 * Server-side connection shared by the POP3 and IMAP fakes: the shared bounded line reader (src/net/line-reader.ts),
 * pulled by an async session loop (so commands run strictly one after another), writes, and in-place TLS upgrade.
 */
import type { Socket } from "node:net";
import { type SecureContext, TLSSocket } from "node:tls";
import { LineReader } from "../../net/line-reader.js";
import type { CommandSource } from "../../server/imap-command.js";

export class ServerConn implements CommandSource {
  socket: Socket;
  /** A message body is being written in parts (stall fault): nothing else may be written in between. */
  bodyInFlight = false;
  private reader: LineReader;
  private ended = false;

  constructor(
    socket: Socket,
    readonly maxLine: number,
    readonly maxBuffered = 1024 * 1024,
  ) {
    this.socket = socket;
    this.reader = this.readerFor(socket);
  }

  private readerFor(s: Socket): LineReader {
    // Literals are bounded by the IMAP command reader (its maxLiteral / maxTotal), not here.
    return new LineReader(s, this.maxLine, { maxBuffered: this.maxBuffered, maxRead: Number.MAX_SAFE_INTEGER });
  }

  get closed(): boolean {
    return this.ended || this.reader.done;
  }

  /** Next line without CRLF (a bare LF is accepted too), or null at EOF. Throws LineTooLongError past maxLine. */
  nextLine(): Promise<Buffer | null> {
    return this.reader.line();
  }

  /** Next line as UTF-8 (the IMAP command reader's and the SASL exchange's source), or null at EOF. */
  async line(): Promise<string | null> {
    return (await this.reader.line())?.toString("utf8") ?? null;
  }

  /** Exactly n bytes (an IMAP literal), or null at EOF. */
  bytes(n: number): Promise<Buffer | null> {
    return this.reader.bytes(n);
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** True if the client already sent bytes after the current command (used to refuse STARTTLS injection). */
  get hasBufferedInput(): boolean {
    return this.reader.hasBuffered();
  }

  /** Upgrades the plain socket to TLS in place (POP3 STLS); bytes pipelined before the handshake are dropped. */
  async startTls(context: SecureContext): Promise<void> {
    const plain = this.socket;
    this.reader.detach();
    const tls = new TLSSocket(plain, { isServer: true, secureContext: context });
    await new Promise<void>((resolve, reject) => {
      tls.once("secure", () => resolve());
      tls.once("error", reject);
    }).catch(() => {
      this.ended = true;
    });
    this.socket = tls;
    this.reader = this.readerFor(tls);
    if (this.ended) this.reader.close();
  }

  close(): void {
    this.ended = true;
    if (!this.socket.destroyed) this.socket.end();
    this.reader.close();
  }

  destroy(): void {
    this.ended = true;
    this.socket.destroy();
    this.reader.close();
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
