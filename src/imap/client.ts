/**
 * The IMAP client of `test`, `fetch`, `fetch --idle` and the proxy's upstream: opening a logged-in connection phase by
 * phase (the login is login.ts), then the commands they need: LIST, SELECT/EXAMINE, UID SEARCH, UID FETCH of
 * metadata, of small bodies (kept per message) and of one big body streamed straight to a Writable with
 * backpressure, IDLE (RFC 2177), UID STORE \Deleted, UID EXPUNGE (RFC 4315). Bodies never sit whole in memory: a
 * 100 MB message costs what POP3's does (bench/memory-100mb.ts).
 */
import type net from "node:net";
import type { Writable } from "node:stream";
import { connect, upgradeToTls } from "../net/connect.js";
import { type ImapClientOptions, ImapConnection } from "./connection.js";
import { bodyLiteral, bodyOf, fetchOf, num } from "./fetch-response.js";
import { ImapSession, STREAMED, type Untagged } from "./imap-session.js";
import { loginXoauth2 } from "./login.js";
import {
  type BodiesWithMeta,
  type BodyStreams,
  bodiesCommand,
  type MessageMeta,
  metaCommand,
  type SelectResult,
  searchCommand,
  selectCommand,
} from "./mailbox-commands.js";
import { tokenizeResponse, tokenText } from "./parser.js";

export type { ImapClientOptions } from "./connection.js";

export type { MessageMeta, SelectResult } from "./mailbox-commands.js";

/** A logged-in IMAP connection. Failures are XoauthErrors with the codes of src/imap/errors.ts. */
export class ImapClient extends ImapConnection {
  /** Messages in the selected folder, as the server last told (EXISTS, EXPUNGE). */
  exists = 0;

  /** The folder grew (EXISTS above the count) since SELECT/EXAMINE or the last IDLE. */
  private grown = false;

  private constructor(s: ImapSession, opts: ImapClientOptions) {
    super(s, opts);
    s.onUnsolicited = (r) => void this.track(r);
  }

  /** Follows EXISTS / EXPUNGE (RFC 3501 §7.3.1, §7.4.1); true when the folder grew. */
  private track(r: Untagged): boolean {
    const h = r.head;
    if (h.kind !== "numeric") return false;
    if (h.type === "EXPUNGE") this.exists = Math.max(0, this.exists - 1);
    if (h.type !== "EXISTS") return false;
    const grew = h.n > this.exists;
    this.exists = h.n;
    if (grew) this.grown = true;
    return grew;
  }

  /**
   * Connects, upgrades to TLS (implicit, or STARTTLS after the greeting), checks AUTH=XOAUTH2 and logs in with
   * loginXoauth2; each phase runs through `opts.onPhase` (`test` records them as its steps).
   */
  static async connect(opts: ImapClientOptions): Promise<ImapClient> {
    const phase = opts.onPhase ?? ((_p, run) => run());
    const t = opts.timeouts;
    const tcp = await phase("connect", () =>
      connect({
        host: opts.host,
        port: opts.port,
        tls: "none",
        timeouts: t?.connectMs ? { connectMs: t.connectMs } : {},
      }),
    );
    if (opts.tls !== "implicit") return ImapClient.start(tcp, opts);
    const tls = { ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.servername ? { servername: opts.servername } : {}) };
    const secure = await phase("tls", () =>
      upgradeToTls(tcp, { host: opts.host, port: opts.port, ...tls, ...(t?.tlsMs ? { timeoutMs: t.tlsMs } : {}) }),
    );
    return ImapClient.start(secure, opts);
  }

  /** Greeting, STARTTLS when asked, XOAUTH2, over a connected socket (the proxy connects itself). */
  static async start(socket: net.Socket, opts: ImapClientOptions): Promise<ImapClient> {
    const phase = opts.onPhase ?? ((_p, run) => run());
    const s = new ImapSession(socket, { host: opts.host, port: opts.port }, opts.timeouts, opts.onTrace);
    s.holdAfterTagged = opts.handOver === true;
    const c = new ImapClient(s, opts);
    const starttls = opts.tls === "starttls";
    try {
      await phase("greeting", async () => {
        const caps = await c.greet();
        if (!starttls) c.requireXoauth2();
        return caps;
      });
      if (starttls) {
        await phase("tls", async () => {
          const secure = await c.starttls();
          c.requireXoauth2();
          return secure;
        });
      }
      await phase("auth", () => loginXoauth2(c, { user: opts.user, token: opts.token }));
    } catch (err) {
      c.close();
      throw err;
    }
    return c;
  }

  /** LIST "" "*" (RFC 3501 §6.3.8): the folder names as sent (modified UTF-7 not decoded). */
  async listFolders(): Promise<string[]> {
    const names: string[] = [];
    await this.command('LIST "" "*"', "LIST", {
      onUntagged: (r) => {
        if (r.head.kind !== "data" || r.head.type !== "LIST") return;
        const first = r.segments[0] as string;
        const t = tokenizeResponse(r.segments, first.toUpperCase().indexOf("LIST") + 4)[2];
        const name = typeof t === "string" ? t : tokenText(t);
        if (name !== undefined) names.push(name);
      },
    });
    return names;
  }

  /** SELECT (read-write, for --delete) or EXAMINE (read-only) a folder. */
  async select(folder: string, readOnly: boolean): Promise<SelectResult> {
    const select = selectCommand(folder, readOnly, this.fail);
    await this.pipelined([select.command])[0];
    return this.selected(select.result());
  }

  /**
   * SELECT/EXAMINE and UID SEARCH sent together: one round trip instead of two (RFC 3501 §5.5 lets a client send
   * commands without waiting; the server runs them in order, so the SEARCH searches the folder just opened). After a
   * failed SELECT the SEARCH fails too; the SELECT's error is the one thrown.
   */
  async selectAndSearch(
    folder: string,
    readOnly: boolean,
    criteria: "ALL" | "UNDELETED",
  ): Promise<SelectResult & { uids: number[] }> {
    const select = selectCommand(folder, readOnly, this.fail);
    const search = searchCommand(criteria);
    const [selected, searched] = this.pipelined([select.command, search.command]);
    searched?.catch(() => {}); // after a failed SELECT, that error is the one to report
    await selected;
    const mb = this.selected(select.result());
    await searched;
    return { ...mb, uids: search.result() };
  }

  /** UID SEARCH ALL / UNDELETED -> UIDs. */
  async uidSearch(criteria: "ALL" | "UNDELETED"): Promise<number[]> {
    const search = searchCommand(criteria);
    await this.pipelined([search.command])[0];
    return search.result();
  }

  /** UID FETCH <set> (UID RFC822.SIZE ENVELOPE) -> size and Message-ID per UID. */
  async fetchMeta(set: string): Promise<MessageMeta[]> {
    const meta = metaCommand(set);
    await this.pipelined([meta.command])[0];
    return meta.result();
  }

  /**
   * UID FETCH <set> (UID BODY.PEEK[]) for small messages: each body is handed over whole, in server order. A literal
   * bigger than `stream.above` whose UID came before it (RFC822.SIZE was an underestimate) is streamed into the
   * Writable `stream.to(uid)` returns instead, and handed over as `undefined` once complete; without one it is kept
   * up to the in-memory literal limit. `withMeta`: RFC822.SIZE and ENVELOPE come along (one FETCH instead of two);
   * a big body whose UID does not come first is dropped and reported to `withMeta.skipped` (src/imap/mailbox-commands.ts).
   */
  async fetchBodies(
    set: string,
    onMessage: (uid: number, body: Buffer | undefined, meta: MessageMeta | undefined) => Promise<void>,
    stream?: BodyStreams,
    withMeta?: BodiesWithMeta,
  ): Promise<void> {
    await this.pipelined([bodiesCommand(set, onMessage, this.fail, stream, withMeta)])[0];
  }

  /** The folder just selected: its message count is the base for "new mail" (IDLE). */
  private selected(mb: SelectResult): SelectResult {
    this.exists = mb.exists;
    this.grown = false;
    return mb;
  }

  private readonly fail = (command: string, message: string) => this.error(command, message);

  /** UID FETCH <uid> (UID BODY.PEEK[]) streamed into `sink` (backpressure: the socket waits for the disk). */
  async fetchBodyStream(uid: number, sink: Writable): Promise<void> {
    const command = `UID FETCH ${uid}`;
    let seen = false;
    let streams = 0;
    await this.command(`UID FETCH ${uid} (UID BODY.PEEK[])`, undefined, {
      bodySink: (head) => {
        const literal = bodyLiteral(head);
        if (!literal) return undefined;
        if (literal.uid !== undefined && literal.uid !== uid) {
          throw this.error(command, `the server sent the body of UID ${literal.uid}`);
        }
        if (++streams > 1) throw this.error(command, "the server sent more than one body");
        return sink;
      },
      onUntagged: (r) => {
        const a = fetchOf(r);
        if (!a || bodyOf(a)?.str !== STREAMED) return;
        if (num(a.get("UID")) !== uid) throw this.error(command, `the body came with UID ${String(a.get("UID"))}`);
        seen = true;
      },
    });
    if (!seen) throw this.error(command, `UID ${uid} vanished while fetching it`);
  }

  /**
   * IDLE (RFC 2177) until `stop` settles (its value is returned) or the folder grows: an EXISTS above the count known
   * since SELECT/EXAMINE (EXPUNGEs lower it) is "new mail". Then DONE and the tagged reply. A message that arrived
   * after the EXAMINE, also while this connection sat unused, is reported when IDLE starts. `timeoutMs`: inactivity
   * allowed during the IDLE (longer than the caller's re-issue time).
   */
  async idle(stop: Promise<string>, timeoutMs?: number): Promise<string> {
    let why: string | undefined;
    let idling = false;
    const finish = (reason: string) => {
      if (why !== undefined) return;
      why = reason;
      if (idling) this.session.continueWith("DONE");
    };
    void stop.then(finish, () => finish("stopping"));
    if (this.grown) {
      this.grown = false;
      return "new mail"; // reported while the connection sat unused (between EXAMINE and now)
    }
    await this.command("IDLE", undefined, {
      ...(timeoutMs ? { timeoutMs } : {}),
      onContinue: () => {
        idling = true;
        return why !== undefined ? "DONE" : undefined; // DONE at once when stopped before the server was ready
      },
      onUntagged: (r) => {
        if (this.track(r)) {
          this.grown = false;
          finish("new mail");
        }
      },
    });
    return why ?? "the server ended IDLE";
  }

  /** UID STORE <set> +FLAGS.SILENT (\Deleted). */
  async storeDeleted(set: string): Promise<void> {
    await this.command(`UID STORE ${set} +FLAGS.SILENT (\\Deleted)`);
  }

  /** UID EXPUNGE <set> (RFC 4315): removes only these UIDs, never another client's \Deleted messages. */
  async uidExpunge(set: string): Promise<void> {
    await this.command(`UID EXPUNGE ${set}`);
  }

  get hasUidExpunge(): boolean {
    const caps = this.capabilities;
    // We never ENABLE IMAP4rev2: a server that also speaks rev1 stays in rev1 mode, where UID EXPUNGE needs UIDPLUS.
    return caps.has("UIDPLUS") || (caps.has("IMAP4REV2") && !caps.has("IMAP4REV1"));
  }
}

/** The attribute map of a `* n FETCH (...)` response, or undefined for any other response. */
