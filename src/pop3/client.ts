/** A small high-level POP3 client (RFC 1939 + CAPA RFC 2449 + SASL RFC 5034 + STLS RFC 2595) over one session. */
import type { Readable } from "node:stream";
import { XoauthError } from "../errors.js";
import { connect, timingsOf, upgradeToTls } from "../net/connect.js";
import type { TlsMode, TokenSource, TraceFn } from "../net/types.js";
import { authPlain, authXoauth2 } from "./commands/auth.js";
import { capa } from "./commands/capa.js";
import { dele } from "./commands/dele.js";
import { list, listOne } from "./commands/list.js";
import { noop } from "./commands/noop.js";
import { quit } from "./commands/quit.js";
import { type RetrBody, retr, retrWhole } from "./commands/retr.js";
import { rset } from "./commands/rset.js";
import { stat } from "./commands/stat.js";
import { stls } from "./commands/stls.js";
import { top } from "./commands/top.js";
import { uidl, uidlOne } from "./commands/uidl.js";
import { pass, user } from "./commands/user.js";
import type { FramerLimits } from "./framer.js";
import type { Capabilities, ListEntry, Stat, UidlEntry } from "./parser.js";
import type { Pop3Timeouts } from "./protocol.js";
import { Pop3Session } from "./session.js";

export interface Pop3ClientOptions {
  host: string;
  /** Default 995 for implicit TLS, else 110. */
  port?: number;
  tls: TlsMode;
  /** Extra trusted CA certificates (PEM), added to Node's roots. */
  ca?: string[];
  servername?: string;
  /** Protocol transcript with secrets redacted (unless `revealSecrets(true)`). */
  onTrace?: TraceFn;
  timeouts?: Partial<Pop3Timeouts>;
  limits?: Partial<FramerLimits>;
  /** Most commands in flight when the server advertises PIPELINING (default 16). */
  pipelineWindow?: number;
}

/** Milliseconds per step, for `test`'s output. */
export interface Pop3Timings {
  tcpMs?: number;
  tlsMs?: number;
  greetingMs?: number;
  capaMs?: number;
  authMs?: number;
}

export class Pop3Client {
  readonly timings: Pop3Timings;

  private constructor(
    /** The underlying session, for commands the client does not wrap. */
    readonly session: Pop3Session,
    /** The greeting line's text (RFC 1939 §4). */
    readonly greeting: string,
    /** Capabilities from CAPA (re-read after STLS, RFC 2595 §4). */
    public capabilities: Capabilities,
    timings: Pop3Timings,
  ) {
    this.timings = timings;
  }

  /** Connects, reads the greeting and CAPA, and upgrades with STLS when `tls` is `starttls`. */
  static async connect(opts: Pop3ClientOptions): Promise<Pop3Client> {
    const port = opts.port ?? (opts.tls === "implicit" ? 995 : 110);
    const tlsOpts = {
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.servername ? { servername: opts.servername } : {}),
    };
    const socket = await connect({ host: opts.host, port, tls: opts.tls, timeouts: opts.timeouts ?? {}, ...tlsOpts });
    const session = new Pop3Session(socket, {
      host: opts.host,
      port,
      ...(opts.onTrace ? { onTrace: opts.onTrace } : {}),
      ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.pipelineWindow ? { pipelineWindow: opts.pipelineWindow } : {}),
    });
    try {
      const timings: Pop3Timings = { ...timingsOf(socket) };
      let t = Date.now();
      const greeting = await session.greeting;
      timings.greetingMs = Date.now() - t;
      t = Date.now();
      let caps = await capa(session);
      timings.capaMs = Date.now() - t;
      if (opts.tls === "starttls") {
        await stls(session, (s) =>
          upgradeToTls(s, { host: opts.host, port, timeoutMs: opts.timeouts?.tlsMs, ...tlsOpts }),
        );
        timings.tlsMs = timingsOf(session.currentSocket).tlsMs;
        caps = await capa(session);
      }
      session.pipelining = caps.pipelining;
      return new Pop3Client(session, greeting.text, caps, timings);
    } catch (e) {
      session.close();
      throw e;
    }
  }

  /** SASL XOAUTH2 in the two-step form (RFC 5034 §4); the token source is asked now, not earlier. */
  async authenticateXoauth2(mailbox: string, token: TokenSource): Promise<void> {
    if (!this.capabilities.sasl.includes("XOAUTH2")) {
      throw new XoauthError("XOAUTH2_NOT_OFFERED", "The POP3 server does not offer SASL XOAUTH2 in CAPA.", {
        details: { command: "CAPA", serverReply: `SASL ${this.capabilities.sasl.join(" ")}`.trim() },
      });
    }
    const t = Date.now();
    await authXoauth2(this.session, mailbox, token);
    this.timings.authMs = Date.now() - t;
  }

  /** SASL PLAIN in the two-step form (RFC 4616, RFC 5034 §4). */
  async authenticatePlain(authcid: string, password: string, authzid = ""): Promise<void> {
    await authPlain(this.session, authcid, password, authzid);
  }

  /** USER / PASS (RFC 1939 §7). */
  async login(name: string, password: string): Promise<void> {
    await user(this.session, name);
    await pass(this.session, password);
  }

  /** STAT (RFC 1939 §5). */
  stat(): Promise<Stat> {
    return stat(this.session);
  }

  /** LIST (RFC 1939 §5). */
  list(): Promise<ListEntry[]>;
  list(n: number): Promise<ListEntry>;
  list(n?: number): Promise<ListEntry[] | ListEntry> {
    return n === undefined ? list(this.session) : listOne(this.session, n);
  }

  /** UIDL (RFC 1939 §7). */
  uidl(): Promise<UidlEntry[]>;
  uidl(n: number): Promise<UidlEntry>;
  uidl(n?: number): Promise<UidlEntry[] | UidlEntry> {
    return n === undefined ? uidl(this.session) : uidlOne(this.session, n);
  }

  /** RETR (RFC 1939 §5): dot-unstuffed bytes; consume or destroy the stream before the next reply is read. */
  retr(n: number): Promise<Readable> {
    return retr(this.session, n);
  }

  /** TOP (RFC 1939 §7). */
  top(n: number, lines: number): Promise<Readable> {
    return top(this.session, n, lines);
  }

  /**
   * RETR of many messages, pipelined when CAPA advertises PIPELINING (RFC 2449 §6.6); yields in order. Read each
   * stream before asking for the next; do not await another command of this client inside the loop (its reply comes
   * after the pipelined RETRs').
   */
  async *retrMany(ns: readonly number[]): AsyncGenerator<{ n: number; stream: Readable }> {
    for await (const { n, body } of this.retrEach(ns, (n) => retr(this.session, n).then((stream) => ({ stream })))) {
      yield { n, stream: (body as { stream: Readable }).stream };
    }
  }

  /**
   * retrMany() with each message of at most `upTo` bytes handed over whole (`chunks`), a bigger one as a stream. The
   * session reads on as soon as a whole message is yielded; at most the yielded message and the next one are held in
   * memory. As with retrMany(), do not await another command of this client inside the loop: replies come in order,
   * and the next message's reply waits until the loop asks for it (send it there, await it after the loop).
   */
  async *retrManyWhole(ns: readonly number[], upTo: number): AsyncGenerator<{ n: number; body: RetrBody }> {
    yield* this.retrEach(ns, (n) => retrWhole(this.session, n, upTo));
  }

  private async *retrEach(
    ns: readonly number[],
    one: (n: number) => Promise<RetrBody>,
  ): AsyncGenerator<{ n: number; body: RetrBody }> {
    const pending = ns.map((n) => {
      const p = one(n);
      p.catch(() => {}); // observed below; never an unhandled rejection
      return { n, p };
    });
    let i = 0;
    try {
      for (; i < pending.length; i++) {
        const { n, p } = pending[i] as (typeof pending)[number];
        const body = await p;
        if ("release" in body) body.release(); // the chunks are ours now: the session may read the next reply
        yield { n, body };
      }
    } finally {
      // Stopped early: the remaining bodies are read and discarded so the session stays usable.
      for (const { p } of pending.slice(i + 1))
        p.then(
          (b) => ("release" in b ? b.release() : b.stream.resume()),
          () => {},
        );
    }
  }

  /** DELE (RFC 1939 §5): takes effect at QUIT. */
  dele(n: number): Promise<void> {
    return dele(this.session, n);
  }

  /** RSET (RFC 1939 §5). */
  rset(): Promise<void> {
    return rset(this.session);
  }

  /** NOOP (RFC 1939 §5). */
  noop(): Promise<void> {
    return noop(this.session);
  }

  /** QUIT (RFC 1939 §6): commits deletions and closes. */
  quit(): Promise<void> {
    return quit(this.session);
  }

  /** QUIT without waiting for its answer, when no DELE was sent (nothing to commit). */
  quitWithoutAnswer(): void {
    this.session.quitWithoutAnswer();
  }

  /** Closes without QUIT: deletions are not committed. */
  close(): void {
    this.session.close();
  }
}
