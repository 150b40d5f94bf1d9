/**
 * One POP3 connection (RFC 1939 §3-6): explicit state, a table of commands allowed per state, a FIFO of requests
 * matched to replies, PIPELINING only when advertised (RFC 2449 §6.6), per-phase timeouts, a redacted trace.
 */
import type net from "node:net";
import { toXoauthError, XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { redact } from "../log/redact.js";
import { mapNetworkError } from "../net/errors.js";
import { IdleTimer } from "../net/idle-timer.js";
import { BodyStream } from "./body.js";
import { Pop3Framer } from "./framer.js";
import { type Pop3Reply, parseReply } from "./parser.js";
import {
  ALLOWED_COMMANDS,
  PIPELINABLE,
  type Pop3Request,
  type Pop3Response,
  type Pop3State,
  type Pop3Timeouts,
  type SessionOptions,
} from "./protocol.js";

export type { Pop3Request, Pop3Response, Pop3State, ReplyShape, SessionOptions } from "./protocol.js";
export { ALLOWED_COMMANDS } from "./protocol.js";

interface Pending {
  req: Pop3Request;
  lines: string[];
  reply?: Pop3Reply;
  resolve(r: Pop3Response): void;
  reject(e: XoauthError): void;
}

/** A body being collected whole (`wholeUpTo`): answered at its end, or as a stream once it outgrows `limit`. */
interface Collecting {
  head: Pending;
  reply: Pop3Reply;
  chunks: Buffer[];
  size: number;
  limit: number;
}

export class Pop3Session {
  private socket: net.Socket;
  private readonly framer: Pop3Framer;
  private readonly waiting: Pending[] = [];
  private readonly inflight: Pending[] = [];
  private body: BodyStream | undefined;
  private collecting: Collecting | undefined;
  private socketPaused = false;
  private readonly timer = new IdleTimer((ms, what) =>
    this.fail(new XoauthError("TIMEOUT", `The POP3 server did not answer ${what} within ${ms} ms.`)),
  );
  private failure: XoauthError | undefined;
  private readonly timeouts: Pop3Timeouts;
  private readonly listeners = {
    data: (c: Buffer) => this.guard(() => this.onData(c)),
    error: (e: Error) => this.fail(mapNetworkError(e, "mail-server", this.opts.host, this.opts.port)),
    close: () => this.fail(new XoauthError("CONNECTION_CLOSED", "The POP3 server closed the connection.")),
  };
  state: Pop3State = "AUTHORIZATION";
  /** Set from CAPA: send pipelinable commands without waiting (RFC 2449 §6.6). */
  pipelining = false;
  /** The server greeting (RFC 1939 §4). */
  readonly greeting: Promise<Pop3Reply>;

  constructor(
    socket: net.Socket,
    private readonly opts: SessionOptions,
  ) {
    this.socket = socket;
    this.timeouts = { ...LIMITS.timeouts, ...opts.timeouts };
    this.framer = new Pop3Framer(
      {
        onLine: (l) => this.onLine(l),
        onDataLine: (l) => this.onDataLine(l),
        onBody: (b) => this.onBody(b),
        onEnd: () => this.onEnd(),
      },
      opts.limits,
    );
    this.greeting = new Promise<Pop3Response>((resolve, reject) => {
      this.inflight.push({ req: { verb: "GREETING", shape: "single" }, lines: [], resolve, reject });
    }).then((r) => r.reply);
    this.greeting.catch(() => {});
    this.attach();
    this.arm();
  }

  /** Queues a command; resolves with the reply (also `-ERR`: commands decide), rejects on connection failure. */
  command(req: Pop3Request): Promise<Pop3Response> {
    if (this.failure || this.state === "CLOSED") {
      return Promise.reject(this.failure ?? new XoauthError("CONNECTION_CLOSED", "The POP3 connection is closed."));
    }
    const p = new Promise<Pop3Response>((resolve, reject) => {
      this.waiting.push({ req, lines: [], resolve, reject });
    });
    this.pump();
    return p;
  }

  /** Replaces the socket after `+OK` to STLS (RFC 2595 §4); no bytes may be buffered beyond that reply. */
  async upgrade(fn: (socket: net.Socket) => Promise<net.Socket>): Promise<void> {
    if (this.inflight.length > 0 || this.waiting.length > 0 || this.receiving || this.framer.buffered > 0) {
      const err = new XoauthError("PROTOCOL_ERROR", "The server sent data after its STLS reply (possible injection).");
      this.fail(err);
      throw err;
    }
    this.unlisten();
    try {
      this.socket = await fn(this.socket);
    } catch (e) {
      this.fail(toXoauthError(e));
      throw toXoauthError(e);
    }
    this.pipelining = false;
    this.attach();
  }

  /** The socket in use (TLS after an upgrade). */
  get currentSocket(): net.Socket {
    return this.socket;
  }

  /**
   * Hands the logged-in connection over (with `handOverAfterLogin`): the socket, paused and without our listeners,
   * and the bytes received after the login's success reply. The session is closed afterwards.
   */
  detach(): { socket: net.Socket; leftover: Buffer } {
    const idle = this.inflight.length === 0 && this.waiting.length === 0 && !this.receiving;
    if (!this.opts.handOverAfterLogin || this.state !== "TRANSACTION" || !idle) {
      throw new XoauthError("PROTOCOL_ERROR", `The POP3 session cannot be handed over in the ${this.state} state.`);
    }
    this.timer.stop();
    this.unlisten();
    this.socket.pause();
    this.failure = new XoauthError("CONNECTION_CLOSED", "The POP3 connection was handed over.");
    this.state = "CLOSED";
    return { socket: this.socket, leftover: this.framer.take() };
  }

  /**
   * QUIT when there is nothing for it to commit (no DELE was sent): written, then the connection closes without
   * waiting a round trip for the `+OK`. Only between commands; otherwise just closes.
   */
  quitWithoutAnswer(): void {
    const idle = this.inflight.length === 0 && this.waiting.length === 0 && !this.receiving && !this.framer.isHeld;
    if (this.failure || !idle) {
      this.close();
      return;
    }
    this.failure = new XoauthError("CONNECTION_CLOSED", "The POP3 connection was closed by the client.");
    this.state = "CLOSED";
    this.timer.stop();
    this.unlisten();
    const socket = this.socket;
    socket.on("error", () => {}); // a reset from a server already closing: nothing is waiting for it
    this.trace("c", "QUIT");
    socket.end("QUIT\r\n", () => socket.destroy());
  }

  /** Ends the connection without QUIT (no deletions are committed: RFC 1939 §6). */
  close(): void {
    this.fail(new XoauthError("CONNECTION_CLOSED", "The POP3 connection was closed by the client."));
  }

  private attach(): void {
    this.socket.on("data", this.listeners.data);
    this.socket.on("error", this.listeners.error);
    this.socket.on("close", this.listeners.close);
  }

  private unlisten(): void {
    this.socket.off("data", this.listeners.data);
    this.socket.off("error", this.listeners.error);
    this.socket.off("close", this.listeners.close);
  }

  private trace(dir: "c" | "s", line: string): void {
    try {
      this.opts.onTrace?.({ dir, line: redact(line) });
    } catch {
      // a broken trace hook must not break the protocol
    }
  }

  private write(line: string, traceAs?: string): void {
    this.trace("c", traceAs ?? line);
    this.socket.write(`${line}\r\n`);
  }

  private pump(): void {
    // Pipelined commands leave in one TCP segment (no Nagle wait between small writes).
    this.socket.cork();
    try {
      this.send();
    } finally {
      this.socket.uncork();
    }
    this.arm();
  }

  private send(): void {
    while (this.waiting.length > 0 && !this.failure) {
      const next = this.waiting[0] as Pending;
      const busy = this.inflight.length + (this.receiving ? 1 : 0);
      if (busy > 0) {
        const window = this.opts.pipelineWindow ?? 16;
        const canPipeline =
          this.pipelining &&
          PIPELINABLE.has(next.req.verb) &&
          this.inflight.every((p) => PIPELINABLE.has(p.req.verb)) &&
          busy < window;
        if (!canPipeline) break;
      }
      this.waiting.shift();
      if (!ALLOWED_COMMANDS[this.state].has(next.req.verb)) {
        next.reject(new XoauthError("PROTOCOL_ERROR", `${next.req.verb} is not allowed in the ${this.state} state.`));
        continue;
      }
      const line = next.req.args ? `${next.req.verb} ${next.req.args}` : next.req.verb;
      this.inflight.push(next);
      if (next.req.verb === "QUIT" && this.state === "TRANSACTION") this.state = "UPDATE";
      this.write(line, next.req.trace);
    }
  }

  /**
   * Backpressure: the socket is paused while the body's consumer is behind OR a body ended and the framer holds the
   * bytes after it until that body was consumed (else they pile up unbounded while the consumer finishes).
   */
  private syncFlow(): void {
    if (this.failure) return;
    const stop = this.framer.isHeld || this.body?.isPaused === true;
    if (stop === this.socketPaused) return;
    this.socketPaused = stop;
    if (stop) this.socket.pause();
    else this.socket.resume();
  }

  /** A message body is being received (streamed or collected whole). */
  private get receiving(): boolean {
    return this.body !== undefined || this.collecting !== undefined;
  }

  private arm(): void {
    if (this.failure || this.body?.isPaused || this.framer.isHeld || (this.inflight.length === 0 && !this.receiving)) {
      this.timer.stop();
      return;
    }
    const head = this.inflight[0];
    const ms = this.receiving
      ? this.timeouts.dataIdleMs
      : head?.req.verb === "GREETING"
        ? this.timeouts.greetingMs
        : this.timeouts.commandMs;
    const what = this.receiving ? "message data" : (head?.req.verb ?? "reply");
    this.timer.start(ms, what);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(toXoauthError(e));
    }
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    this.framer.feed(chunk);
    this.syncFlow();
    this.arm();
  }

  private onLine(line: string): void {
    const head = this.inflight[0];
    this.trace("s", line);
    if (!head) {
      throw new XoauthError("PROTOCOL_ERROR", "The POP3 server sent a reply nobody asked for.", {
        details: { serverReply: line.slice(0, 200) },
      });
    }
    const reply = parseReply(line);
    if (reply.kind === "continue") {
      if (!head.req.onContinue) {
        throw new XoauthError("PROTOCOL_ERROR", `The POP3 server sent a continuation to ${head.req.verb}.`, {
          details: { serverReply: line.slice(0, 200) },
        });
      }
      const next = head.req.onContinue(reply.text);
      this.write(next);
      return;
    }
    if (reply.kind === "ok" && head.req.shape === "lines") {
      head.reply = reply;
      this.framer.expect("lines");
      return;
    }
    this.inflight.shift();
    if (reply.kind === "ok" && head.req.shape === "body") {
      this.framer.expect("body");
      if (head.req.wholeUpTo !== undefined) {
        this.collecting = { head, reply, chunks: [], size: 0, limit: head.req.wholeUpTo };
      } else head.resolve({ reply, lines: [], body: this.streamBody().readable });
    } else {
      this.transition(head.req.verb, reply);
      head.resolve({ reply, lines: [] });
    }
    this.pump();
  }

  private transition(verb: string, reply: Pop3Reply): void {
    if (reply.kind === "ok" && (verb === "AUTH" || verb === "PASS")) {
      this.state = "TRANSACTION";
      if (this.opts.handOverAfterLogin) this.framer.hold();
    }
    if (verb === "QUIT") {
      this.state = "CLOSED";
      this.unlisten();
      this.socket.on("error", () => {});
      this.socket.end();
    }
    if (verb === "GREETING" && reply.kind === "err") {
      throw new XoauthError("MAIL_SERVER_UNREACHABLE", "The POP3 server refused the connection.", {
        details: { serverReply: reply.raw.slice(0, 200) },
      });
    }
  }

  private onDataLine(line: string): void {
    const head = this.inflight[0] as Pending;
    if (head.lines.length >= LIMITS.maxMessagesPerListing) {
      throw new XoauthError("LIMIT_EXCEEDED", "The POP3 server sent too many lines in one reply.");
    }
    this.trace("s", line);
    head.lines.push(line);
  }

  /** The body from here on goes to a stream, with backpressure onto the socket. */
  private streamBody(): BodyStream {
    const flow = (): void => {
      this.syncFlow();
      this.arm();
    };
    this.body = new BodyStream({ pause: flow, resume: flow });
    return this.body;
  }

  private onBody(chunk: Buffer): void {
    const c = this.collecting;
    if (!c) {
      this.body?.push(chunk);
      return;
    }
    c.chunks.push(chunk);
    c.size += chunk.length;
    if (c.size <= c.limit) return;
    // Too big to hold: the rest streams, after what came so far.
    this.collecting = undefined;
    const body = this.streamBody();
    c.head.resolve({ reply: c.reply, lines: [], body: body.readable });
    for (const b of c.chunks) body.push(b);
  }

  private onEnd(): void {
    this.trace("s", ".");
    const whole = this.collecting;
    if (whole && this.framer.isHeld) {
      // Held until the consumer took the chunks (release): no reply after it is read before.
      this.collecting = undefined;
      let released = false;
      const release = (): void => {
        if (released || this.failure) return;
        released = true;
        this.guard(() => this.framer.release());
        this.syncFlow();
        this.pump();
      };
      whole.head.resolve({ reply: whole.reply, lines: [], chunks: whole.chunks, release });
      return;
    }
    const body = this.body;
    if (body && this.framer.isHeld) {
      body.end(() => {
        if (this.body !== body) return;
        this.body = undefined;
        this.guard(() => this.framer.release());
        this.syncFlow();
        this.pump();
      });
      return;
    }
    const head = this.inflight.shift() as Pending;
    head.resolve({ reply: head.reply as Pop3Reply, lines: head.lines });
    this.pump();
  }

  private fail(err: XoauthError): void {
    if (this.failure) return;
    const quitDone = this.state === "CLOSED";
    this.failure = err;
    this.state = "CLOSED";
    this.timer.stop();
    const collected = this.collecting?.head;
    this.collecting = undefined;
    for (const p of [...(collected ? [collected] : []), ...this.inflight.splice(0), ...this.waiting.splice(0)]) {
      p.reject(err);
    }
    if (!quitDone) this.body?.fail(err);
    this.unlisten();
    this.socket.on("error", () => {});
    this.socket.destroy();
  }
}
