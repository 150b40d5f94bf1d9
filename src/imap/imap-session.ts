/**
 * One IMAP connection (RFC 3501 §2.2, §5.5): tagged commands one at a time or pipelined (sent together, answered in
 * order), untagged responses handed to the oldest running command in order, continuation requests, message-body literals streamed to a Writable with socket
 * backpressure, per-phase inactivity timeouts, STARTTLS without accepting injected plaintext, a redacted trace.
 */
import type net from "node:net";
import { toXoauthError, XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { redact } from "../log/redact.js";
import { mapNetworkError } from "../net/errors.js";
import { IdleTimer } from "../net/idle-timer.js";
import { ResponseAssembler } from "./assembler.js";
import { ImapFramer } from "./framer.js";
import type { TaggedLine } from "./parser.js";
import type { CommandSpec, ImapTimeouts, Response, TraceFn, Untagged } from "./session-types.js";

export type { CommandSpec, ImapTimeouts, TraceFn, Untagged } from "./session-types.js";
export { STREAMED } from "./session-types.js";

interface Running {
  tag: string;
  spec: CommandSpec;
  resolve(t: TaggedLine): void;
  reject(e: XoauthError): void;
}

export class ImapSession {
  private socket: net.Socket;
  private readonly framer: ImapFramer;
  /** Sent and not yet answered, oldest first: untagged responses belong to the first (RFC 3501 §5.5). */
  private readonly running: Running[] = [];
  /** Tagged replies framed but not yet dispatched: the framer is already reading the answer of running[framedTagged]. */
  private framedTagged = 0;
  private nextTag = 1;
  private turn: Promise<void> = Promise.resolve();
  private readonly assembler: ResponseAssembler;
  private readonly queue: Response[] = [];
  private pumping = false;
  private paused = new Set<string>();
  private readonly timer = new IdleTimer((_ms, what) =>
    this.fail(
      new XoauthError("TIMEOUT", `${this.where.host}:${this.where.port} did not answer in time (${what}).`, {
        details: { params: { host: this.where.host, port: String(this.where.port) } },
      }),
    ),
  );
  private failure: XoauthError | undefined;
  /** The socket closed while queued responses were still being handed out: fail once they are. */
  private closedWhilePumping: XoauthError | undefined;
  private switching: string | undefined;
  private greetingWait: { resolve(l: string): void; reject(e: XoauthError): void } | undefined;
  /** The server greeting's text (`* OK`, `* PREAUTH`); rejects on `* BYE`, timeout or connection failure. */
  readonly greeting: Promise<string>;
  readonly timeouts: ImapTimeouts;
  /** Untagged responses outside any command (EXISTS while idle, BYE). */
  onUnsolicited: ((r: Untagged) => void) | undefined;
  /** Capabilities announced in the greeting's response code (RFC 3501 §7.1), which saves a CAPABILITY command. */
  greetingCapabilities: string[] | undefined;
  /** The text of a `* BYE` the server sent, if any. */
  get bye(): string | undefined {
    return this.assembler.bye;
  }
  /** Last tagged reply (status + text, no tag), for error reports. */
  lastTagged: string | undefined;
  /**
   * Hand-over mode (the proxy): after each tagged reply nothing more is parsed until the next command starts, so
   * that handOver() can give the bytes that followed the last reply to the new owner as received.
   */
  holdAfterTagged = false;
  private holding = false;
  private readonly listeners = {
    data: (c: Buffer) => this.onData(c),
    // After a BYE the server's close may reach us as a reset: the BYE says why.
    error: (e: Error) =>
      this.fail(this.bye ? this.closedError() : mapNetworkError(e, "mail-server", this.where.host, this.where.port)),
    close: () => {
      const e = this.closedError();
      // Responses that arrived before the close are still handed out (a tagged OK among them completes its command).
      if (this.pumping || this.queue.length > 0) this.closedWhilePumping = e;
      else this.fail(e);
    },
  };

  constructor(
    socket: net.Socket,
    private readonly where: { host: string; port: number },
    timeouts: Partial<ImapTimeouts> = {},
    private readonly trace?: TraceFn,
  ) {
    this.socket = socket;
    this.timeouts = {
      greetingMs: timeouts.greetingMs ?? LIMITS.timeouts.greetingMs,
      commandMs: timeouts.commandMs ?? LIMITS.timeouts.commandMs,
      dataIdleMs: timeouts.dataIdleMs ?? LIMITS.timeouts.dataIdleMs,
    };
    this.assembler = new ResponseAssembler({
      sinkFor: (head, size) => this.running[this.framedTagged]?.spec.bodySink?.(head, size),
      emit: (r) => this.onResponse(r),
      pause: () => this.pause("sink"),
      resume: () => this.resume("sink"),
      sinkFailed: (e) => this.fail(e),
      ...(trace ? { trace } : {}),
    });
    this.framer = new ImapFramer(
      {
        onLine: (l, n) => {
          if (this.switching === "done") throw injected();
          this.assembler.onLine(l, n);
        },
        onLiteral: (c) => this.assembler.onLiteral(c),
        onLiteralEnd: () => this.assembler.onLiteralEnd(),
      },
      { maxLineBytes: LIMITS.maxLineBytes, maxLiteralBytes: LIMITS.maxMessageBytes },
    );
    this.greeting = new Promise<string>((resolve, reject) => {
      this.greetingWait = { resolve, reject };
    });
    this.greeting.catch(() => {});
    this.attach();
    this.timer.start(this.timeouts.greetingMs, "greeting");
  }

  /** Runs one command (after those already queued); resolves with its tagged reply (NO/BAD included). */
  run(spec: CommandSpec): Promise<TaggedLine> {
    return this.pipeline([spec])[0] as Promise<TaggedLine>;
  }

  /**
   * Sends the commands together, without waiting for each other's answers (RFC 3501 §5.5), after the commands
   * already queued; one tagged reply each. Only for commands a server must run one after the other because a later
   * one depends on the state an earlier one sets (EXAMINE, then UID SEARCH in that folder): their answers then come in
   * order, untagged ones included. Commands a server may run concurrently (two FETCHes: Dovecot interleaves their
   * answers and sends both OKs at the end) are not attributable by order and are never pipelined. After a failed
   * EXAMINE the SEARCH fails too; EXAMINE's error is the one to report. Never for commands that take continuations
   * (AUTHENTICATE, IDLE) or switch TLS.
   */
  pipeline(specs: CommandSpec[]): Promise<TaggedLine>[] {
    // One turn on the wire at a time; later ones wait (fetch's background EXPUNGE during a FETCH).
    const started = this.turn.then(() => this.start(specs));
    const results = specs.map((_, i) => started.then((all) => all[i] as Promise<TaggedLine>));
    this.turn = Promise.allSettled(results).then(() => undefined);
    return results;
  }

  private start(specs: CommandSpec[]): Promise<TaggedLine>[] {
    if (this.failure) throw this.failure;
    if (this.current) throw new XoauthError("UNEXPECTED", "IMAP command while another one runs.");
    const lines: string[] = [];
    const out = specs.map((spec) => {
      const tag = `X${this.nextTag++}`;
      if (/^STARTTLS$/i.test(spec.line)) this.switching = tag;
      lines.push(`${tag} ${spec.line}`);
      this.trace?.({ dir: "c", line: redact(`${tag} ${spec.traceLine ?? spec.line}`) });
      return new Promise<TaggedLine>((resolve, reject) => {
        this.running.push({ tag, spec, resolve, reject });
      });
    });
    const long = specs.some((s) => s.longLines);
    this.framer.limits.maxLineBytes = long ? LIMITS.maxMultilineReplyBytes : LIMITS.maxLineBytes;
    this.socket.write(`${lines.join("\r\n")}\r\n`);
    const first = specs[0] as CommandSpec;
    this.timer.start(first.timeoutMs ?? this.timeouts.commandMs, first.line.split(" ")[0] ?? "command");
    this.unhold();
    return out;
  }

  /** The command that untagged responses and continuations belong to: the oldest one not yet answered. */
  private get current(): Running | undefined {
    return this.running[0];
  }

  /** Hand-over mode: what arrived after the previous tagged reply is read now, as part of this command. */
  private unhold(): void {
    if (!this.holding) return;
    this.holding = false;
    const kept = this.framer.resume();
    this.resume("hold");
    if (kept.length > 0) this.onData(kept);
  }

  /**
   * Gives the connection away between commands (the proxy, after login): the socket (paused, our listeners gone)
   * and the bytes received after the last tagged reply and not parsed. The session is finished afterwards.
   */
  handOver(): { socket: net.Socket; leftover: Buffer } {
    if (this.failure) throw this.failure;
    if (this.current) throw new XoauthError("UNEXPECTED", "IMAP connection handed over while a command runs.");
    const socket = this.detach();
    socket.pause();
    this.timer.stop();
    const leftover = this.framer.takeRest();
    this.failure = new XoauthError("CONNECTION_CLOSED", "The IMAP connection was handed over.");
    return { socket, leftover };
  }

  /** Sends a line that belongs to the running command (IDLE's `DONE`, RFC 2177). */
  continueWith(line: string): void {
    if (this.current && !this.failure) this.send(line);
  }

  /** Swaps in the TLS socket after a successful STARTTLS (the framer holds no bytes: checked in onLine). */
  replaceSocket(socket: net.Socket): void {
    this.socket = socket;
    this.framer.reset();
    this.attach();
  }

  /** Stops reading from the plaintext socket before the TLS upgrade takes it over. */
  detach(): net.Socket {
    this.socket.off("data", this.listeners.data);
    this.socket.off("error", this.listeners.error);
    this.socket.off("close", this.listeners.close);
    return this.socket;
  }

  close(): void {
    this.fail(new XoauthError("CONNECTION_CLOSED", "The IMAP connection was closed."));
  }

  /**
   * Sends a last command whose answer nobody needs (LOGOUT, RFC 3501 §6.1.3) and closes the connection once it is
   * written, without waiting a round trip for the server's BYE and OK. Only between commands.
   */
  sendLastAndClose(line: string): void {
    if (this.failure || this.current) {
      this.close();
      return;
    }
    this.failure = new XoauthError("CONNECTION_CLOSED", "The IMAP connection was closed.");
    this.timer.stop();
    this.socket.off("data", this.listeners.data);
    this.trace?.({ dir: "c", line: `X${this.nextTag} ${line}` });
    const socket = this.socket;
    socket.on("error", () => {}); // a reset from a server already closing: nothing is waiting for it
    socket.end(`X${this.nextTag++} ${line}\r\n`, () => socket.destroy());
  }

  /** CONNECTION_CLOSED naming the server's BYE, if it sent one (`serverReply`: see isTokenExpiry). */
  private closedError(): XoauthError {
    const bye = this.bye === undefined ? undefined : `BYE ${redact(this.bye)}`;
    return new XoauthError("CONNECTION_CLOSED", `The IMAP server closed the connection${bye ? ` (${bye})` : ""}.`, {
      details: {
        ...(bye ? { serverReply: bye } : {}),
        params: { host: this.where.host, port: String(this.where.port) },
      },
    });
  }

  get failed(): XoauthError | undefined {
    return this.failure;
  }

  private attach(): void {
    this.socket.on("data", this.listeners.data);
    this.socket.on("error", this.listeners.error);
    this.socket.on("close", this.listeners.close);
  }

  private send(line: string, traceLine?: string): void {
    this.trace?.({ dir: "c", line: redact(traceLine ?? line) });
    this.socket.write(`${line}\r\n`);
  }

  /** Inactivity allowed while the running command waits for its answer (IDLE sets its own, longer one). */
  private get commandTimeout(): number {
    return this.current?.spec.timeoutMs ?? this.timeouts.commandMs;
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    if (this.current || this.greetingWait) {
      this.timer.start(this.framer.inLiteral ? this.timeouts.dataIdleMs : this.commandTimeout, "response");
    }
    try {
      this.framer.feed(chunk);
      if (this.switching === "done" && this.framer.pendingBytes > 0) throw injected();
    } catch (err) {
      this.fail(toXoauthError(err));
      return;
    }
    if (this.queue.length > 0) this.pause("queue");
    void this.pump();
  }

  /** A complete response: queued for the pump (the STARTTLS answer ends reading plaintext). */
  private onResponse(r: Response): void {
    if (r.kind === "tagged") this.framedTagged++;
    if (r.kind === "tagged" && r.t.tag === this.switching && r.t.status === "OK") this.switching = "done";
    if (r.kind === "tagged" && this.holdAfterTagged) {
      this.holding = true;
      this.framer.halt();
      this.pause("hold");
    }
    this.queue.push(r);
  }

  /** Our own backpressure (disk, consumer): the socket stops, and the inactivity timer with it. */
  private pause(why: string): void {
    this.paused.add(why);
    this.socket.pause();
    this.timer.stop();
  }

  private resume(why: string): void {
    if (!this.paused.delete(why) || this.paused.size > 0 || this.failure) return;
    this.socket.resume();
    if (this.current)
      this.timer.start(this.framer.inLiteral ? this.timeouts.dataIdleMs : this.commandTimeout, "response");
  }

  /** Hands queued responses to the running command in order; the socket stays paused while any are waiting. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.failure) {
        const q = this.queue.shift() as Response;
        await this.dispatch(q);
      }
    } catch (err) {
      this.fail(toXoauthError(err));
    } finally {
      this.pumping = false;
      if (this.queue.length === 0) this.resume("queue");
      if (this.closedWhilePumping && this.queue.length === 0) this.fail(this.closedWhilePumping);
    }
  }

  private async dispatch(q: Response): Promise<void> {
    if (this.greetingWait) {
      const w = this.greetingWait;
      this.greetingWait = undefined;
      this.timer.stop();
      const h = q.kind === "untagged" ? q.r.head : undefined;
      if (h?.kind === "status" && (h.status === "OK" || h.status === "PREAUTH")) {
        if (h.code === "CAPABILITY" && h.codeArgs) this.greetingCapabilities = h.codeArgs.split(" ").filter(Boolean);
        w.resolve(h.text);
      } else {
        const why = h?.kind === "status" ? `${h.status} ${h.text}` : "no greeting";
        const e = new XoauthError("PROTOCOL_ERROR", `The IMAP server refused the session: ${redact(why)}`);
        w.reject(e);
        this.fail(e);
      }
      return;
    }
    const cur = this.current;
    if (q.kind === "untagged") {
      if (cur?.spec.onUntagged) await cur.spec.onUntagged(q.r);
      else this.onUnsolicited?.(q.r);
      return;
    }
    if (!cur) throw new XoauthError("PROTOCOL_ERROR", "The IMAP server answered a command that was not sent.");
    if (q.kind === "continue") {
      if (!cur.spec.onContinue) throw new XoauthError("PROTOCOL_ERROR", "Unexpected IMAP continuation request.");
      const reply = cur.spec.onContinue(q.text);
      if (reply !== undefined)
        this.send(reply, reply === "" || reply === "DONE" ? undefined : "(continuation data hidden)");
      return;
    }
    // Pipelined commands are answered in the order sent: a reply to a later tag first is not ours to guess about.
    if (q.t.tag !== cur.tag) throw new XoauthError("PROTOCOL_ERROR", `IMAP reply for unknown tag ${q.t.tag}.`);
    this.running.shift();
    this.framedTagged--;
    const next = this.current;
    if (next)
      this.timer.start(next.spec.timeoutMs ?? this.timeouts.commandMs, next.spec.line.split(" ")[0] ?? "command");
    else {
      this.timer.stop();
      this.framer.limits.maxLineBytes = LIMITS.maxLineBytes;
    }
    this.lastTagged = taggedText(q.t);
    if (this.switching === "done") {
      this.switching = undefined;
      this.detach();
    }
    cur.resolve(q.t);
  }

  private fail(e: XoauthError): void {
    if (this.failure) return;
    this.failure = e;
    this.timer.stop();
    this.queue.length = 0;
    this.assembler.abandon();
    this.socket.off("data", this.listeners.data);
    this.socket.destroy();
    this.greetingWait?.reject(e);
    this.greetingWait = undefined;
    this.framedTagged = 0;
    for (const cur of this.running.splice(0)) cur.reject(e);
  }
}

/** A tagged reply without its tag, for error reports: `NO [CODE args] text`. */
export function taggedText(t: TaggedLine): string {
  return `${t.status}${t.code ? ` [${t.code}${t.codeArgs ? ` ${t.codeArgs}` : ""}]` : ""} ${t.text}`;
}

function injected(): XoauthError {
  return new XoauthError("PROTOCOL_ERROR", "The IMAP server sent data after its STARTTLS answer (injection).");
}
