/**
 * The client connection during the login phase: the current socket (plain, or TLS after STARTTLS / implicit TLS),
 * a bounded line reader, and back-pressure on replies. A client that pipelines commands and never reads the replies
 * stops being read once LIMITS.proxyMaxPendingReplyBytes of replies wait for it, so it cannot grow the proxy: what a
 * session holds is at most one input line (maxLineBytes plus one socket chunk) and that many reply bytes plus one reply.
 */
import type { Socket } from "node:net";
import { type SecureContext, TLSSocket } from "node:tls";
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { LineReader } from "../net/line-reader.js";
import type { ClientIo } from "./client-io.js";
import type { LocalTls } from "./config.js";

export interface ChannelOptions {
  localTls: LocalTls;
  secureContext?: SecureContext;
  maxLineBytes: number;
  /** Stop reading while more reply bytes than this wait to be sent (default LIMITS.proxyMaxPendingReplyBytes). */
  maxPendingReplyBytes?: number;
  /** Called with every socket the channel starts to use (the TLS one after an upgrade), e.g. to notice a close. */
  onSocket?: (s: Socket) => void;
}

/** The client's side of a TLS handshake failed (garbage, an old protocol, no shared cipher): a client problem. */
export class ClientTlsError extends Error {
  /** The socket error code (ECONNRESET: the client just went away). */
  readonly code: string | undefined;
  constructor(cause: NodeJS.ErrnoException) {
    super(`TLS handshake with the client failed: ${cause.message}`, { cause });
    this.code = cause.code;
  }
}

/** Server side of a TLS handshake over an accepted socket; rejects when it fails or the client goes away. */
function upgradeServer(sock: Socket, ctx: SecureContext): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = new TLSSocket(sock, { isServer: true, secureContext: ctx });
    const fail = (e?: Error): void => {
      t.off("secure", ok);
      reject(
        e
          ? new ClientTlsError(e)
          : new XoauthError("CONNECTION_CLOSED", "The client closed the connection during the TLS handshake."),
      );
    };
    const ok = (): void => {
      t.off("error", fail);
      t.off("close", fail);
      t.on("error", () => {});
      resolve(t);
    };
    t.once("secure", ok);
    t.once("error", fail);
    t.once("close", () => fail());
  });
}

export class ClientChannel implements ClientIo {
  private sock: Socket;
  private rd: LineReader;
  private tlsActive: boolean;
  private readonly maxPending: number;
  /** True while the channel waits for the client to read its replies before it reads the next command. */
  waitingForDrain = false;
  /** True during a TLS handshake (implicit TLS or STARTTLS): nothing may be written in clear text then. */
  handshaking = false;

  constructor(
    raw: Socket,
    private readonly opts: ChannelOptions,
  ) {
    this.sock = raw;
    this.tlsActive = false;
    this.maxPending = opts.maxPendingReplyBytes ?? LIMITS.proxyMaxPendingReplyBytes;
    this.rd = new LineReader(raw, opts.maxLineBytes);
    opts.onSocket?.(raw);
  }

  /** Implicit TLS listeners: the handshake, before the greeting. */
  async open(): Promise<void> {
    if (this.opts.localTls !== "implicit") return;
    await this.upgrade();
  }

  get socket(): Socket {
    return this.sock;
  }

  get reader(): LineReader {
    return this.rd;
  }

  get canStartTls(): boolean {
    return this.opts.localTls === "starttls" && !this.tlsActive;
  }

  get loginNeedsTls(): boolean {
    return this.opts.localTls !== "none" && !this.tlsActive;
  }

  /** Bytes this session holds for the client: unread input plus replies not yet sent. */
  get bufferedBytes(): number {
    return this.rd.bufferedBytes + this.sock.writableLength;
  }

  async readLine(): Promise<string> {
    await this.drained();
    return this.rd.readLine();
  }

  async readBytes(n: number): Promise<Buffer> {
    await this.drained();
    return this.rd.readBytes(n);
  }

  write(text: string): void {
    if (!this.sock.destroyed && !this.sock.writableEnded) this.sock.write(text);
  }

  async startTls(): Promise<void> {
    // Bytes pipelined after STARTTLS arrived in clear text: discard them (RFC 2595 section 3.1, CVE-2011-0411).
    await this.upgrade();
  }

  private async upgrade(): Promise<void> {
    const ctx = this.opts.secureContext;
    if (!ctx) throw new Error(`listener with localTls ${this.opts.localTls} but no certificate`);
    this.rd.detach();
    this.handshaking = true;
    try {
      this.sock = await upgradeServer(this.sock, ctx);
    } finally {
      this.handshaking = false;
    }
    this.tlsActive = true;
    this.rd = new LineReader(this.sock, this.opts.maxLineBytes);
    this.opts.onSocket?.(this.sock);
  }

  /**
   * Waits (not reading) while too many replies are unsent. `drain` only follows a write that found the buffer above
   * the socket's highWaterMark, hence writableNeedDrain: the effective bound is the larger of the two.
   */
  private async drained(): Promise<void> {
    const s = this.sock;
    while (s.writableLength > this.maxPending && s.writableNeedDrain && !s.destroyed) {
      s.pause();
      this.waitingForDrain = true;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          s.off("drain", done);
          s.off("close", done);
          resolve();
        };
        s.on("drain", done);
        s.on("close", done);
      });
    }
    this.waitingForDrain = false;
  }
}
