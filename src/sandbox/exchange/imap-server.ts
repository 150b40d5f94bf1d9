/**
 * IMAP side of the Exchange fake: enough IMAP4rev1 (RFC 3501) for our `test`/`fetch` and real clients, with Exchange
 * Online's greeting, capabilities and texts (docs/exchange-behaviour.md section 4, IMAP).
 *
 * Where failures surface: the table of src/exchange/contract.ts says it per situation. Everything Exchange learns from
 * the token itself (signature, issuer, audience, expiry, role), from the service-principal registration (appid+oid)
 * and a mailbox that does not exist make AUTHENTICATE fail with the situation's reply. The situations whose IMAP reply
 * is `not-connected` (no FullAccess for the SP, IMAP disabled on the mailbox) let AUTHENTICATE succeed, and the next
 * LIST/LSUB/SELECT/EXAMINE/STATUS answers `BAD User is authenticated but not connected.` (as does the
 * `notConnectedAfterAuth` toggle for every session).
 */
import { createServer as createTlsServer, type Server } from "node:tls";
import { EXCHANGE_SERVICE, renderLine, replyFor } from "../../exchange/contract.js";
import { LineTooLongError } from "../../net/line-reader.js";
import { initialResponse, runServerSasl } from "../../sasl/server.js";
import { type ImapCommand, ImapSyntaxError, type ImapToken, readImapCommand, str } from "../../server/imap-command.js";
import { ServerConn } from "./conn.js";
import { authorize, record, recordExpiry, release, type ServerContext, serverId } from "./context.js";
import type { FakeMailbox, StoredMessage } from "./directory.js";
import { SessionExpiry } from "./imap-expiry.js";
import * as sel from "./imap-selected.js";
import { failsAfterLogin, failureReply } from "./replies.js";

export const IMAP_CAPABILITY: string = EXCHANGE_SERVICE.imap.capability;

/** A table reply without its tag (the session adds the tag of the command it answers). */
const untagged = (line: string): string => line.replace(/^\{tag\} /, "");

export const IMAP_TEXT = {
  /** The greeting without its server id (EXCHANGE_SERVICE.imap.greeting). */
  greeting: EXCHANGE_SERVICE.imap.greeting.replace(" [{serverId}]", ""),
  authOk: untagged(EXCHANGE_SERVICE.imap.authOk),
  authFail: untagged(replyFor("auth-failed", "imap", { tag: "{tag}" })[0] as string),
  loginFail: untagged(replyFor("basic-auth", "imap", { tag: "{tag}" })[0] as string),
  notConnected: untagged(replyFor("not-connected", "imap", { tag: "{tag}" })[0] as string),
  badState: "BAD Command received in Invalid state.",
  unknown: "BAD Command Error. 12",
  badArgs: sel.BAD_ARGS,
  bye: "* BYE Microsoft Exchange Server IMAP4 server signing off.",
} as const;

const FLAGS = "(\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)";
const MAX_LITERAL = 64 * 1024 * 1024;
const CONTINUATION = "Ready for additional command text.";
const SELECTED_VERBS = new Set("FETCH UID SEARCH STORE EXPUNGE CLOSE UNSELECT IDLE COPY MOVE CHECK".split(" "));

type ImapState = "notAuthenticated" | "authenticated" | "notConnected" | "selected";

class ImapSession implements sel.SelectedSession {
  state: ImapState = "notAuthenticated";
  mailbox!: FakeMailbox;
  folder = "INBOX";
  view: StoredMessage[] = [];
  readOnly = false;
  readonly directory;
  readonly faults;
  /** The command being answered (for the expiry record). */
  busy: string | undefined;
  private readonly expiry: SessionExpiry;

  constructor(
    private readonly ctx: ServerContext,
    readonly conn: ServerConn,
  ) {
    this.directory = ctx.directory;
    this.faults = ctx.faults;
    this.expiry = new SessionExpiry(
      conn,
      () => this.busy ?? "waiting",
      (during) => recordExpiry(ctx, this.mailbox?.address ?? "", during),
    );
    conn.socket.once("close", () => ctx.loggedIn.delete(this));
  }

  /** The token used at login expired: BYE and close (imap-expiry.ts). */
  expire(): void {
    this.expiry.end();
  }

  send(line: string): void {
    this.conn.write(`${line}\r\n`);
  }

  async run(): Promise<void> {
    this.send(renderLine(EXCHANGE_SERVICE.imap.greeting, { serverId: serverId(this.ctx.hostName) }));
    const limits = { maxLiteral: MAX_LITERAL, maxTotal: MAX_LITERAL + this.ctx.maxLine, continuation: CONTINUATION };
    for (;;) {
      let cmd: ImapCommand | null;
      try {
        cmd = await readImapCommand(this.conn, limits);
        if (cmd === null) return;
      } catch (e) {
        if (e instanceof LineTooLongError) {
          this.send("* BAD Command line too long.");
          this.conn.destroy();
          return;
        }
        if (e instanceof ImapSyntaxError) {
          this.send(`* ${IMAP_TEXT.unknown}`);
          continue;
        }
        throw e;
      }
      const { tag, name: verb } = cmd;
      if (this.faults.stallMs) await new Promise((r) => setTimeout(r, this.faults.stallMs));
      if (this.conn.closed) return;
      this.busy = verb;
      const go = await this.command(tag, verb, cmd.args);
      this.busy = undefined;
      if (!go) return;
    }
  }

  private r(tag: string, text: string): boolean {
    return sel.reply(this, tag, text);
  }

  private async command(tag: string, verb: string, args: ImapToken[]): Promise<boolean> {
    switch (verb) {
      case "CAPABILITY":
        this.send(`* CAPABILITY ${IMAP_CAPABILITY}`);
        return this.r(tag, "OK CAPABILITY completed.");
      case "NOOP":
        if (this.state === "selected") sel.syncNew(this);
        return this.r(tag, "OK NOOP completed.");
      case "ID":
        this.send("* ID NIL");
        return this.r(tag, "OK ID completed.");
      case "LOGOUT":
        this.expiry.clear();
        this.send(IMAP_TEXT.bye);
        this.r(tag, "OK LOGOUT completed.");
        this.conn.close();
        return false;
      case "STARTTLS":
        return this.r(tag, IMAP_TEXT.badState);
    }
    if (this.state === "notAuthenticated") {
      if (verb === "AUTHENTICATE") return this.authenticate(tag, args);
      if (verb === "LOGIN") {
        record(this.ctx, { protocol: "imap", user: str(args[0]) ?? "", ok: false, reason: "basic_auth_disabled" });
        return this.r(tag, IMAP_TEXT.loginFail);
      }
      return this.r(tag, IMAP_TEXT.badState);
    }
    if (verb === "AUTHENTICATE" || verb === "LOGIN") return this.r(tag, IMAP_TEXT.badState);
    if (verb === "NAMESPACE") {
      this.send('* NAMESPACE (("" "/")) NIL NIL');
      return this.r(tag, "OK NAMESPACE completed.");
    }
    const mailboxCmd = ["LIST", "LSUB", "SELECT", "EXAMINE", "STATUS", "CREATE", "DELETE", "RENAME", "SUBSCRIBE"];
    if (this.state === "notConnected" && mailboxCmd.includes(verb)) return this.r(tag, IMAP_TEXT.notConnected);
    if (verb === "LIST" || verb === "LSUB") return this.list(tag, verb, args);
    if (verb === "SELECT" || verb === "EXAMINE") return this.select(tag, verb, args);
    if (verb === "STATUS") return this.status(tag, args);
    if (verb === "SUBSCRIBE" || verb === "UNSUBSCRIBE") return this.r(tag, `OK ${verb} completed.`);
    if (verb === "CREATE" || verb === "DELETE" || verb === "RENAME") return this.r(tag, `NO ${verb} failed.`);
    if (this.state !== "selected")
      return this.r(tag, SELECTED_VERBS.has(verb) ? IMAP_TEXT.badState : IMAP_TEXT.unknown);
    return this.selected(tag, verb, args);
  }

  private async selected(tag: string, verb: string, args: ImapToken[]): Promise<boolean> {
    let uid = false;
    let v = verb;
    let a = args;
    if (verb === "UID") {
      uid = true;
      v = str(args[0])?.toUpperCase() ?? "";
      a = args.slice(1);
      if (!["FETCH", "SEARCH", "STORE", "EXPUNGE", "COPY", "MOVE"].includes(v)) return this.r(tag, IMAP_TEXT.badArgs);
    }
    switch (v) {
      case "FETCH":
        return sel.fetch(this, tag, a, uid);
      case "SEARCH":
        return sel.search(this, tag, a, uid);
      case "STORE":
        return sel.store(this, tag, a, uid);
      case "EXPUNGE":
        return sel.expunge(this, tag, a, uid);
      case "COPY":
      case "MOVE":
        return sel.copyMove(this, tag, v, a, uid);
      case "IDLE":
        return sel.idle(this, tag);
      case "CHECK":
        return this.r(tag, "OK CHECK completed.");
      case "CLOSE":
      case "UNSELECT":
        if (v === "CLOSE" && !this.readOnly) sel.expungeMessages(this, undefined, true);
        this.state = "authenticated";
        this.view = [];
        return this.r(tag, `OK ${v} completed.`);
      default:
        return this.r(tag, IMAP_TEXT.unknown);
    }
  }

  private async authenticate(tag: string, args: ImapToken[]): Promise<boolean> {
    const mech = str(args[0])?.toUpperCase();
    if (mech !== "XOAUTH2") {
      record(this.ctx, { protocol: "imap", user: "", ok: false, reason: "basic_auth_disabled" });
      return this.r(tag, IMAP_TEXT.authFail);
    }
    const parsed = await runServerSasl(
      { challenge: (c) => this.send(`+ ${c}`), readLine: () => this.conn.line() },
      "XOAUTH2",
      initialResponse(str(args[1])),
    );
    if ("error" in parsed && parsed.error === "closed") return false;
    if ("error" in parsed && parsed.error === "cancelled") return this.r(tag, "BAD AUTHENTICATE aborted.");
    if (!("token" in parsed)) {
      record(this.ctx, { protocol: "imap", user: "", ok: false, reason: "malformed", detail: "bad XOAUTH2 response" });
      return this.r(tag, IMAP_TEXT.authFail);
    }
    const d = authorize(this.ctx, "imap", parsed.user, parsed.token);
    if (!d.ok && !(failsAfterLogin(d, "imap") && d.mailbox)) {
      const limit = String(this.faults.maxSessionsPerMailbox ?? "");
      for (const line of failureReply(d, "imap", { tag, limit })) this.send(line);
      return true;
    }
    if (d.ok) {
      const address = d.mailbox.address;
      this.conn.socket.once("close", () => release(this.ctx, address));
    }
    this.mailbox = d.mailbox as FakeMailbox;
    this.expiry.arm(d.claims?.exp);
    if (!this.conn.closed) this.ctx.loggedIn.add(this);
    this.state = d.ok && !this.directory.toggles.notConnectedAfterAuth ? "authenticated" : "notConnected";
    return this.r(tag, IMAP_TEXT.authOk);
  }

  private list(tag: string, verb: string, args: ImapToken[]): boolean {
    const ref = str(args[0]);
    const pat = str(args[1]);
    if (ref === undefined || pat === undefined) return this.r(tag, IMAP_TEXT.badArgs);
    if (pat === "") this.send(`* ${verb} (\\Noselect \\HasChildren) "/" ""`);
    const re = new RegExp(
      `^${(ref + pat)
        .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/%/g, "[^/]*")}$`,
      "i",
    );
    for (const f of this.mailbox.folders.keys()) {
      if (re.test(f)) this.send(`* ${verb} (\\HasNoChildren) "/" ${f.includes(" ") ? `"${f}"` : f}`);
    }
    return this.r(tag, `OK ${verb} completed.`);
  }

  private findFolder(name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    return [...this.mailbox.folders.keys()].find((f) => f.toLowerCase() === name.toLowerCase());
  }

  private select(tag: string, verb: string, args: ImapToken[]): boolean {
    const folder = this.findFolder(str(args[0]));
    if (!folder) {
      this.state = "authenticated";
      return this.r(tag, `NO ${verb} failed.`);
    }
    const mb = this.mailbox;
    this.folder = folder;
    this.view = [...(mb.folders.get(folder) ?? [])];
    this.readOnly = verb === "EXAMINE";
    this.state = "selected";
    const unseen = this.view.findIndex((m) => !m.flags.has("\\Seen"));
    this.send(`* ${this.view.length} EXISTS`);
    this.send("* 0 RECENT");
    this.send(`* FLAGS ${FLAGS}`);
    this.send(`* OK [PERMANENTFLAGS ${FLAGS}] Permanent flags`);
    if (unseen >= 0) this.send(`* OK [UNSEEN ${unseen + 1}] Is the first unseen message`);
    this.send(`* OK [UIDVALIDITY ${mb.uidValidity}] UIDVALIDITY value`);
    this.send(`* OK [UIDNEXT ${mb.uidNext.get(folder) ?? 1}] The next unique identifier value`);
    return this.r(tag, `OK [${this.readOnly ? "READ-ONLY" : "READ-WRITE"}] ${verb} completed.`);
  }

  private status(tag: string, args: ImapToken[]): boolean {
    const folder = this.findFolder(str(args[0]));
    const items = args[1]?.t === "list" ? args[1].v.map((t) => str(t)?.toUpperCase() ?? "") : undefined;
    if (!folder || !items) return this.r(tag, folder ? IMAP_TEXT.badArgs : "NO STATUS failed.");
    const msgs = this.mailbox.folders.get(folder) ?? [];
    const val: Record<string, number> = {
      MESSAGES: msgs.length,
      RECENT: 0,
      UIDNEXT: this.mailbox.uidNext.get(folder) ?? 1,
      UIDVALIDITY: this.mailbox.uidValidity,
      UNSEEN: msgs.filter((m) => !m.flags.has("\\Seen")).length,
    };
    if (items.some((i) => val[i] === undefined)) return this.r(tag, IMAP_TEXT.badArgs);
    const q = folder.includes(" ") ? `"${folder}"` : folder;
    this.send(`* STATUS ${q} (${items.map((i) => `${i} ${val[i]}`).join(" ")})`);
    return this.r(tag, "OK STATUS completed.");
  }
}

/** IMAP over implicit TLS (port 993 style). */
export function createImapsServer(ctx: ServerContext): Server {
  return createTlsServer({ cert: ctx.tls.cert, key: ctx.tls.key }, (socket) => {
    socket.on("error", () => {});
    const conn = new ServerConn(socket, ctx.maxLine);
    new ImapSession(ctx, conn).run().catch(() => conn.destroy());
  });
}
