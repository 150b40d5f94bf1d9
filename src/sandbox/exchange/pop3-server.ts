/**
 * POP3 side of the Exchange fake: RFC 1939 + CAPA (RFC 2449) + SASL AUTH (RFC 5034) + STLS (RFC 2595), with
 * Exchange Online's texts (docs/exchange-behaviour.md section 4, POP3; the login replies are the table's,
 * src/exchange/contract.ts): two-step XOAUTH2 only, no PIPELINING, basic auth off, Inbox only.
 */
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { EXCHANGE_SERVICE, replyFor } from "../../exchange/contract.js";
import { LineTooLongError } from "../../net/line-reader.js";
import { initialResponse, runServerSasl } from "../../sasl/server.js";
import { ServerConn, writeBody } from "./conn.js";
import { authorize, record, release, type ServerContext, serverId } from "./context.js";
import type { FakeMailbox, StoredMessage } from "./directory.js";
import { failureReply } from "./replies.js";

export const POP3_TEXT = {
  /** The greeting without its server id (EXCHANGE_SERVICE.pop3.greeting). */
  greeting: EXCHANGE_SERVICE.pop3.greeting.replace(" [{serverId}]", ""),
  authOk: EXCHANGE_SERVICE.pop3.authOk,
  authFail: replyFor("auth-failed", "pop3")[0] as string,
  badState: "-ERR Command is not valid in this state.",
  unknown: "-ERR Protocol error.",
  noSuchMessage: "-ERR The specified message is out of range.",
  deleted: "-ERR The message has been deleted.",
  bye: "+OK Microsoft Exchange Server POP3 server signing off.",
  lineTooLong: "-ERR Command line too long.",
} as const;

type Pop3State = "authorization" | "transaction";

/** dot-stuffs a message (RFC 1939 section 3) and terminates it with CRLF.CRLF; 8-bit clean. */
export function dotStuff(raw: Buffer): Buffer {
  let s = raw.toString("latin1");
  if (!s.endsWith("\r\n")) s += s.endsWith("\n") ? "" : "\r\n";
  s = s.replace(/(^|\n)\./g, "$1..");
  return Buffer.from(`${s}.\r\n`, "latin1");
}

/** Header + blank line + first n body lines (TOP, RFC 1939 section 7). */
export function topOf(raw: Buffer, lines: number): Buffer {
  const s = raw.toString("latin1");
  const m = /\r?\n\r?\n/.exec(s);
  if (!m) return raw;
  const headEnd = m.index + m[0].length;
  const bodyLines = s.slice(headEnd).split(/(?<=\n)/);
  return Buffer.from(s.slice(0, headEnd) + bodyLines.slice(0, lines).join(""), "latin1");
}

function popUid(mb: FakeMailbox, m: StoredMessage): string {
  return Buffer.from(`${mb.uidValidity}.${m.uid}`).toString("base64").replace(/=+$/, "");
}

class Pop3Session {
  private state: Pop3State = "authorization";
  private mailbox: FakeMailbox | undefined;
  private msgs: StoredMessage[] = [];
  private readonly deleted = new Set<number>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly conn: ServerConn,
    private tls: boolean,
  ) {}

  private send(line: string): void {
    this.conn.write(`${line}\r\n`);
  }

  async run(): Promise<void> {
    this.send(EXCHANGE_SERVICE.pop3.greeting.replace("{serverId}", serverId(this.ctx.hostName)));
    for (;;) {
      let line: Buffer | null;
      try {
        line = await this.conn.nextLine();
      } catch (e) {
        if (e instanceof LineTooLongError) this.send(POP3_TEXT.lineTooLong);
        this.conn.destroy();
        return;
      }
      if (line === null) return;
      if (!(await this.command(line.toString("latin1")))) return;
    }
  }

  /** One command; returns false when the session ends. */
  private async command(line: string): Promise<boolean> {
    const sp = line.indexOf(" ");
    const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const args =
      sp < 0
        ? []
        : line
            .slice(sp + 1)
            .split(" ")
            .filter(Boolean);
    if (this.ctx.faults.stallMs && verb !== "QUIT") await new Promise((r) => setTimeout(r, this.ctx.faults.stallMs));
    if (verb === "QUIT") return this.quit();
    if (verb === "CAPA") return this.capa();
    if (verb === "NOOP") return this.ok(this.state === "transaction" ? "+OK" : POP3_TEXT.badState);
    if (this.state === "authorization") return this.authorization(verb, args);
    return this.transaction(verb, args);
  }

  private ok(line: string): boolean {
    this.send(line);
    return true;
  }

  /** Values for the table's reply templates. */
  private vars(): Record<string, string> {
    return { host: this.ctx.hostName, limit: String(this.ctx.faults.maxSessionsPerMailbox ?? "") };
  }

  /** The table's reply for a situation on POP3. */
  private reply(id: Parameters<typeof replyFor>[0]): string {
    return replyFor(id, "pop3", this.vars()).join("\r\n");
  }

  private capa(): boolean {
    const caps: string[] = [...EXCHANGE_SERVICE.pop3.capa];
    if (!this.tls && this.state === "authorization") caps.push("STLS");
    this.conn.write(`+OK\r\n${caps.join("\r\n")}\r\n.\r\n`);
    return true;
  }

  private quit(): boolean {
    if (this.state === "transaction" && this.mailbox) {
      const inbox = this.mailbox.folders.get("INBOX") ?? [];
      const gone = new Set([...this.deleted].map((i) => this.msgs[i]));
      this.mailbox.folders.set(
        "INBOX",
        inbox.filter((m) => !gone.has(m)),
      );
    }
    this.send(POP3_TEXT.bye);
    this.conn.close();
    return false;
  }

  private async authorization(verb: string, args: string[]): Promise<boolean> {
    if (verb === "STLS") {
      if (this.tls) return this.ok(POP3_TEXT.badState);
      this.send("+OK Begin TLS negotiation.");
      await this.conn.startTls(this.ctx.secureContext);
      this.tls = true;
      return !this.conn.closed;
    }
    if (!this.tls && (verb === "AUTH" || verb === "USER" || verb === "PASS")) return this.ok(POP3_TEXT.badState);
    if (verb === "USER") return this.ok(args.length === 1 ? "+OK" : POP3_TEXT.unknown);
    if (verb === "PASS") {
      record(this.ctx, { protocol: "pop3", user: "", ok: false, reason: "basic_auth_disabled" });
      return this.ok(this.reply("basic-auth"));
    }
    if (verb === "AUTH") return this.auth(args);
    return this.ok(verb === "STAT" || verb === "LIST" || verb === "RETR" ? POP3_TEXT.badState : POP3_TEXT.unknown);
  }

  private async auth(args: string[]): Promise<boolean> {
    const mech = (args[0] ?? "").toUpperCase();
    // `AUTH XOAUTH2 =` is the two-step form too: `=` is an empty initial response (RFC 5034 section 4).
    if (mech !== "XOAUTH2" || initialResponse(args[1]) || args.length > 2) {
      // Basic auth (PLAIN) is off, and Exchange takes XOAUTH2 only in two steps (situations basic-auth and
      // pop3-one-line-auth of src/exchange/contract.ts; docs/exchange-behaviour.md section 4, POP3).
      const oneLine = mech === "XOAUTH2";
      record(this.ctx, {
        protocol: "pop3",
        user: "",
        ok: false,
        reason: oneLine ? "one_line_auth" : "basic_auth_disabled",
      });
      return this.ok(this.reply(oneLine ? "pop3-one-line-auth" : "basic-auth"));
    }
    let parsed: Awaited<ReturnType<typeof runServerSasl>>;
    try {
      parsed = await runServerSasl(
        { challenge: (c) => this.send(`+ ${c}`), readLine: () => this.conn.line() },
        "XOAUTH2",
        undefined,
      );
    } catch {
      this.conn.destroy();
      return false;
    }
    if ("error" in parsed && parsed.error === "closed") return false;
    if ("error" in parsed && parsed.error === "cancelled") return this.ok("-ERR Authentication canceled.");
    if (!("token" in parsed)) {
      record(this.ctx, { protocol: "pop3", user: "", ok: false, reason: "malformed", detail: "bad XOAUTH2 response" });
      return this.ok(this.reply("auth-failed"));
    }
    const d = authorize(this.ctx, "pop3", parsed.user, parsed.token);
    if (!d.ok) return this.ok(failureReply(d, "pop3", this.vars()).join("\r\n"));
    const address = d.mailbox.address;
    this.conn.socket.once("close", () => release(this.ctx, address));
    this.mailbox = d.mailbox;
    this.msgs = [...(d.mailbox.folders.get("INBOX") ?? [])];
    this.state = "transaction";
    return this.ok(POP3_TEXT.authOk);
  }

  /** Resolves a 1-based message number argument, or sends the error and returns undefined. */
  private pick(arg: string | undefined): number | undefined {
    const n = arg !== undefined && /^\d{1,9}$/.test(arg) ? Number(arg) : 0;
    if (n < 1 || n > this.msgs.length) {
      this.send(POP3_TEXT.noSuchMessage);
      return undefined;
    }
    if (this.deleted.has(n - 1)) {
      this.send(POP3_TEXT.deleted);
      return undefined;
    }
    return n - 1;
  }

  private live(): [number, StoredMessage][] {
    return this.msgs.map((m, i) => [i, m] as [number, StoredMessage]).filter(([i]) => !this.deleted.has(i));
  }

  private async transaction(verb: string, args: string[]): Promise<boolean> {
    const mb = this.mailbox as FakeMailbox;
    switch (verb) {
      case "STAT": {
        const l = this.live();
        return this.ok(`+OK ${l.length} ${l.reduce((a, [, m]) => a + m.raw.length, 0)}`);
      }
      case "LIST":
      case "UIDL": {
        const val = (m: StoredMessage): string => (verb === "LIST" ? String(m.raw.length) : popUid(mb, m));
        if (args.length) {
          const i = this.pick(args[0]);
          return i === undefined ? true : this.ok(`+OK ${i + 1} ${val(this.msgs[i] as StoredMessage)}`);
        }
        const lines = this.live().map(([i, m]) => `${i + 1} ${val(m)}\r\n`);
        this.conn.write(`+OK\r\n${lines.join("")}.\r\n`);
        return true;
      }
      case "RETR":
      case "TOP": {
        const i = this.pick(args[0]);
        if (i === undefined) return true;
        const m = this.msgs[i] as StoredMessage;
        let body = m.raw;
        if (verb === "TOP") {
          if (args.length !== 2 || !/^\d{1,9}$/.test(args[1] ?? "")) return this.ok(POP3_TEXT.unknown);
          body = topOf(m.raw, Number(args[1]));
        }
        this.send(verb === "RETR" ? `+OK ${m.raw.length} octets` : "+OK");
        return writeBody(this.conn, dotStuff(body), this.ctx.faults);
      }
      case "DELE": {
        const i = this.pick(args[0]);
        if (i !== undefined) {
          this.deleted.add(i);
          this.send(`+OK Message ${i + 1} deleted.`);
        }
        return true;
      }
      case "RSET":
        this.deleted.clear();
        return this.ok("+OK");
      case "STLS":
      case "AUTH":
      case "USER":
      case "PASS":
        return this.ok(POP3_TEXT.badState);
      default:
        return this.ok(POP3_TEXT.unknown);
    }
  }
}

function handle(ctx: ServerContext, socket: Socket, tls: boolean): void {
  socket.on("error", () => {});
  const conn = new ServerConn(socket, ctx.maxLine);
  new Pop3Session(ctx, conn, tls).run().catch(() => conn.destroy());
}

/** POP3 over implicit TLS (port 995 style). */
export function createPop3sServer(ctx: ServerContext): Server {
  return createTlsServer({ cert: ctx.tls.cert, key: ctx.tls.key }, (s) => handle(ctx, s, true));
}

/** Plain POP3 offering STLS (port 110 style). */
export function createPop3StlsServer(ctx: ServerContext): Server {
  return createNetServer((s) => handle(ctx, s, false));
}
