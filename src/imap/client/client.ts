/**
 * The IMAP commands `fetch` needs, over our own session (no imapflow): XOAUTH2 login (RFC 3501 §6.2.2, SASL-IR
 * RFC 4959), SELECT/EXAMINE, UID SEARCH, UID FETCH of metadata, of small bodies (kept per message), and of one big
 * body streamed straight to a Writable with backpressure, UID STORE \Deleted, UID EXPUNGE (RFC 4315), LOGOUT.
 * Why our own: imapflow keeps each literal in memory and costs ~7 MB just to load; with it a 100 MB message needed
 * 82-88 MB RSS, with this client the download costs what POP3's does (bench/memory-100mb.ts).
 */
import type { Writable } from "node:stream";
import { toXoauthError, XoauthError } from "../../errors.js";
import { markSecret } from "../../log/redact.js";
import { connect, type TlsMode, upgradeToTls } from "../../net/connect.js";
import { buildXoauth2, parseXoauth2Error } from "../../sasl/xoauth2.js";
import { mapImapError } from "../errors.js";
import { fetchAttributes, type TaggedLine, type Token, tokenize, tokenText } from "./parser.js";
import { ImapSession, type ImapTimeouts, STREAMED, type TraceFn, type Untagged } from "./session.js";
import { encodeMailboxName, quoteString } from "./utf7.js";

export interface ImapClientOptions {
  host: string;
  port: number;
  tls: TlsMode;
  ca?: string[];
  servername?: string;
  /** Mailbox address (the XOAUTH2 `user=`). */
  user: string;
  token: string;
  timeouts?: Partial<ImapTimeouts> & { connectMs?: number };
  onTrace?: TraceFn;
}

export interface MessageMeta {
  uid: number;
  size: number;
  /** ENVELOPE message-id as sent (trimmed), "" when NIL. */
  messageId: string;
}

export interface SelectResult {
  uidValidity: number;
  exists: number;
}

/** A logged-in IMAP connection. Failures are XoauthErrors with the codes of src/imap/errors.ts. */
export class ImapClient {
  capabilities = new Set<string>();
  /** Messages in the selected folder, as the server last told (EXISTS, EXPUNGE). */
  exists = 0;

  /** The folder grew (EXISTS above the count) since SELECT/EXAMINE or the last IDLE. */
  private grown = false;

  private constructor(
    private readonly s: ImapSession,
    private readonly opts: ImapClientOptions,
  ) {
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

  static async connect(opts: ImapClientOptions): Promise<ImapClient> {
    markSecret(opts.token);
    const socket = await connect({
      host: opts.host,
      port: opts.port,
      tls: opts.tls,
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.servername ? { servername: opts.servername } : {}),
      timeouts: { ...(opts.timeouts?.connectMs ? { connectMs: opts.timeouts.connectMs } : {}) },
    });
    const s = new ImapSession(socket, { host: opts.host, port: opts.port }, opts.timeouts, opts.onTrace);
    const c = new ImapClient(s, opts);
    try {
      await c.step("greeting", () => s.greeting);
      if (s.greetingCapabilities) c.capabilities = new Set(s.greetingCapabilities.map((x) => x.toUpperCase()));
      else await c.capability();
      if (opts.tls === "starttls") await c.starttls();
      await c.authenticate();
    } catch (err) {
      s.close();
      throw err;
    }
    return c;
  }

  /** SELECT (read-write, for --delete) or EXAMINE (read-only) a folder. */
  async select(folder: string, readOnly: boolean): Promise<SelectResult> {
    let uidValidity: number | undefined;
    let exists = 0;
    const verb = readOnly ? "EXAMINE" : "SELECT";
    await this.command(`${verb} ${quoteString(encodeMailboxName(folder))}`, `${verb} ${folder}`, {
      onUntagged: (r) => {
        const h = r.head;
        if (h.kind === "numeric" && h.type === "EXISTS") exists = h.n;
        if (h.kind === "status" && h.code === "UIDVALIDITY") uidValidity = Number(h.codeArgs);
      },
    });
    this.exists = exists;
    this.grown = false;
    if (!Number.isSafeInteger(uidValidity) || (uidValidity as number) <= 0) {
      throw this.error(`${verb} ${folder}`, "the server sent no UIDVALIDITY");
    }
    return { uidValidity: uidValidity as number, exists };
  }

  /** UID SEARCH ALL / UNDELETED -> UIDs. */
  async uidSearch(criteria: "ALL" | "UNDELETED"): Promise<number[]> {
    const out: number[] = [];
    await this.command(`UID SEARCH ${criteria}`, undefined, {
      longLines: true,
      onUntagged: (r) => {
        if (r.head.kind !== "data" || r.head.type !== "SEARCH") return;
        for (const n of r.head.rest.split(" ")) if (/^\d+$/.test(n)) out.push(Number(n));
      },
    });
    return out;
  }

  /** UID FETCH <set> (UID RFC822.SIZE ENVELOPE) -> size and Message-ID per UID. */
  async fetchMeta(set: string): Promise<MessageMeta[]> {
    const out: MessageMeta[] = [];
    await this.command(`UID FETCH ${set} (UID RFC822.SIZE ENVELOPE)`, undefined, {
      onUntagged: (r) => {
        const a = fetchOf(r);
        const uid = a && num(a.get("UID"));
        const size = a && num(a.get("RFC822.SIZE"));
        // Only answers to this FETCH: an unsolicited `* n FETCH (UID u FLAGS (...))` (another client) has no size.
        if (!a || uid === undefined || size === undefined) return;
        const env = a.get("ENVELOPE");
        out.push({
          uid,
          size,
          messageId: (Array.isArray(env) ? (tokenText(env[9]) ?? "") : "").trim(),
        });
      },
    });
    return out;
  }

  /** UID FETCH <set> (UID BODY.PEEK[]) for small messages: each body is handed over whole, in server order. */
  async fetchBodies(set: string, onMessage: (uid: number, body: Buffer) => Promise<void>): Promise<void> {
    await this.command(`UID FETCH ${set} (UID BODY.PEEK[])`, undefined, {
      onUntagged: async (r) => {
        const a = fetchOf(r);
        const uid = a && num(a.get("UID"));
        const body = a?.get("BODY[]");
        if (uid === undefined || !body || typeof body !== "object" || Array.isArray(body)) return;
        await onMessage(uid, typeof body.str === "string" ? Buffer.from(body.str, "utf8") : body.str);
      },
    });
  }

  /** UID FETCH <uid> (UID BODY.PEEK[]) streamed into `sink` (backpressure: the socket waits for the disk). */
  async fetchBodyStream(uid: number, sink: Writable): Promise<void> {
    const command = `UID FETCH ${uid}`;
    let seen = false;
    let streams = 0;
    await this.command(`UID FETCH ${uid} (UID BODY.PEEK[])`, undefined, {
      bodySink: (head) => {
        if (!/\bBODY\[\]\s*\{\d+\+?\}$/i.test(head)) return undefined;
        const other = /\bUID (\d+)\b/i.exec(head.slice(head.indexOf("(")));
        if (other && Number(other[1]) !== uid) throw this.error(command, `the server sent the body of UID ${other[1]}`);
        if (++streams > 1) throw this.error(command, "the server sent more than one body");
        return sink;
      },
      onUntagged: (r) => {
        const a = fetchOf(r);
        const body = a?.get("BODY[]");
        if (!a || !body || typeof body !== "object" || Array.isArray(body) || body.str !== STREAMED) return;
        if (num(a.get("UID")) !== uid) throw this.error(command, `the body came with UID ${String(a.get("UID"))}`);
        seen = true;
      },
    });
    if (!seen) throw this.error(command, `UID ${uid} vanished while fetching it`);
  }

  /**
   * IDLE (RFC 2177) until `stop` settles (its value is returned) or the folder grows: an EXISTS above the count known
   * since SELECT/EXAMINE (EXPUNGEs lower it) is "new mail". Then DONE and the tagged reply. A message that arrived
   * after the EXAMINE, also while this connection sat unused, is reported when IDLE starts. The caller sets a command
   * timeout longer than its re-issue time.
   */
  async idle(stop: Promise<string>): Promise<string> {
    let why: string | undefined;
    let idling = false;
    const finish = (reason: string) => {
      if (why !== undefined) return;
      why = reason;
      if (idling) this.s.continueWith("DONE");
    };
    void stop.then(finish, () => finish("stopping"));
    if (this.grown) {
      this.grown = false;
      return "new mail"; // reported while the connection sat unused (between EXAMINE and now)
    }
    await this.command("IDLE", undefined, {
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

  async logout(): Promise<void> {
    await this.s.run({ line: "LOGOUT" }).catch(() => undefined);
    this.s.close();
  }

  close(): void {
    this.s.close();
  }

  private async capability(): Promise<void> {
    const caps = new Set<string>();
    await this.command("CAPABILITY", undefined, {
      onUntagged: (r) => {
        if (r.head.kind === "data" && r.head.type === "CAPABILITY") {
          for (const c of r.head.rest.split(" ")) if (c) caps.add(c.toUpperCase());
        }
      },
    });
    this.capabilities = caps;
  }

  private async starttls(): Promise<void> {
    if (!this.capabilities.has("STARTTLS")) {
      throw this.error("STARTTLS", `${this.where} does not offer STARTTLS`);
    }
    await this.command("STARTTLS");
    const plain = this.s.detach();
    const secure = await upgradeToTls(plain, {
      host: this.opts.host,
      port: this.opts.port,
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
      ...(this.opts.servername ? { servername: this.opts.servername } : {}),
    });
    this.s.replaceSocket(secure);
    await this.capability(); // RFC 3501 §6.2.1: capabilities before TLS are discarded
  }

  private async authenticate(): Promise<void> {
    const command = "AUTHENTICATE XOAUTH2";
    if (!this.capabilities.has("AUTH=XOAUTH2")) {
      throw mapImapError(new Error("Unsupported authentication mechanism"), {
        ...this.ctx(command),
        capabilities: [...this.capabilities],
      });
    }
    const ir = buildXoauth2(this.opts.user, this.opts.token);
    const saslIr = this.capabilities.has("SASL-IR");
    let oauthError: unknown;
    let sentIr = saslIr;
    const t = await this.s
      .run({
        line: saslIr ? `${command} ${ir}` : command,
        traceLine: `${command}${saslIr ? " (token hidden)" : ""}`,
        onContinue: (text) => {
          if (!sentIr) {
            sentIr = true;
            return ir;
          }
          oauthError = parseXoauth2Error(text) ?? oauthError;
          return ""; // answer the error continuation with an empty line; the tagged NO follows
        },
      })
      .catch((e: unknown) => {
        throw mapImapError(e, this.ctx(command));
      });
    if (t.status !== "OK") {
      throw mapImapError(
        Object.assign(new Error("Authentication failed"), { authenticationFailed: true, oauthError }),
        {
          ...this.ctx(command),
          lastTagged: `${t.status} ${t.text}`,
        },
      );
    }
    if (t.code === "CAPABILITY" && t.codeArgs) {
      this.capabilities = new Set(
        t.codeArgs
          .split(" ")
          .filter(Boolean)
          .map((c) => c.toUpperCase()),
      );
    } else await this.capability();
  }

  /** Runs a command; NO/BAD and connection failures become typed errors (MAILBOX_NOT_CONNECTED etc.). */
  private async command(
    line: string,
    name?: string,
    spec: Omit<Parameters<ImapSession["run"]>[0], "line"> = {},
  ): Promise<TaggedLine> {
    const what = name ?? line;
    const t = await this.step(what, () => this.s.run({ line, ...spec }));
    if (t.status !== "OK") {
      throw mapImapError(Object.assign(new Error(`${t.status} ${t.text}`), { responseStatus: t.status }), {
        ...this.ctx(what),
        lastTagged: `${t.status} ${t.text}`,
      });
    }
    return t;
  }

  private async step<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapImapError(toXoauthError(err), this.ctx(what));
    }
  }

  private get where(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  private ctx(command: string) {
    return {
      host: this.opts.host,
      port: this.opts.port,
      user: this.opts.user,
      command,
      ...(this.s.lastTagged ? { lastTagged: this.s.lastTagged } : {}),
      capabilities: [...this.capabilities],
      greeted: true,
    };
  }

  private error(command: string, message: string): XoauthError {
    return new XoauthError("PROTOCOL_ERROR", `${this.where} during ${command}: ${message}.`, {
      details: { command, params: { host: this.opts.host, port: String(this.opts.port), mailbox: this.opts.user } },
    });
  }
}

/** The attribute map of a `* n FETCH (...)` response, or undefined for any other response. */
function fetchOf(r: Untagged): Map<string, Token> | undefined {
  if (r.head.kind !== "numeric" || r.head.type !== "FETCH") return undefined;
  const first = r.segments[0] as string;
  const at = first.toUpperCase().indexOf("FETCH") + "FETCH".length;
  const tokens = tokenize(r.segments, at);
  return fetchAttributes(tokens[0]);
}

function num(t: Token | undefined): number | undefined {
  return typeof t === "string" && /^\d{1,15}$/.test(t) ? Number(t) : undefined;
}
