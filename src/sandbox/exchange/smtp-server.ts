/**
 * SMTP submission side of the Exchange fake (port 587 STARTTLS; docs/exchange-behaviour.md section 4, SMTP), built on
 * `smtp-server`. Every refusal is the table's reply (src/exchange/contract.ts, rendered by replies.ts).
 *
 * Exact texts: smtp-server prefixes every reply with its own enhanced status code (535 -> 5.7.8). Exchange's texts
 * carry their own (5.7.3, 5.7.139, 5.2.252), so each connection's `send` is wrapped to skip the automatic code when
 * the text already starts with one; the 235 success gets Exchange's `2.7.0` explicitly (smtp-server omits it when
 * enhanced status codes are hidden, which is its default).
 * The greeting cannot be Exchange's verbatim: smtp-server always sends `220 <name> ESMTP <banner>`.
 *
 * SendAs: Exchange accepts MAIL FROM and rejects the message at the end of DATA when the authenticated principal
 * may not send as the From address (STOREDRV.Submission is the store driver submitting the message), so the
 * 554 5.2.252 reply is the answer to DATA, not to MAIL FROM. Sending needs SendAs on the From mailbox (maySendAs).
 */
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from "smtp-server";
import { replyFor } from "../../exchange/contract.js";
import { LIMITS } from "../../limits.js";
import { parseAuthArgs } from "../../sasl/server.js";
import { authorize, record, release, type ServerContext } from "./context.js";
import type { ExchangeServicePrincipal, FakeMailbox } from "./directory.js";
import { failureReply, smtpParts } from "./replies.js";
import { maySendAs } from "./token-check.js";

export interface SentMessage {
  /** The authenticated mailbox (XOAUTH2 `user=`). */
  authUser: string;
  from: string;
  to: string[];
  raw: Buffer;
  /** Recipients that were mailboxes of the directory and got the message in their INBOX. */
  deliveredTo: string[];
}

/** The table's SMTP texts without their reply code (smtp-server adds it), for tests and callers that need them. */
const text = (id: Parameters<typeof replyFor>[0], vars: Record<string, string>): string =>
  smtpParts(replyFor(id, "smtp", vars)[0] as string).text;

export const SMTP_TEXT = {
  authFail: (host: string) => text("auth-failed", { host }),
  tenantDisabled: (host: string) => text("smtp-auth-disabled-tenant", { host }),
  mailboxDisabled: (host: string) => text("smtp-auth-disabled-mailbox", { host }),
  basicDisabled: (host: string) => text("basic-auth", { host }),
  sendAsDenied: (user: string, from: string, host: string) => text("send-as-denied", { user, from, host }),
} as const;

/** The table's reply for `id` (or a failed decision's lines) as the error smtp-server answers with. */
function tableError(line: string): Error & { responseCode: number } {
  const { code, text: message } = smtpParts(line);
  return smtpError(code, message);
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

interface AuthedUser {
  address: string;
  sp: ExchangeServicePrincipal;
  mailbox: FakeMailbox;
}

type SendFn = (code: number, data?: string | string[], context?: unknown) => void;
type CommandFn = (command: Buffer, callback: () => void) => void;

/**
 * `AUTH <mech> =` carries an empty initial response (RFC 4954 section 4), which smtp-server would decode as the
 * credentials: hand it `AUTH <mech>` instead, so it answers with an empty `334 ` challenge and reads the next line.
 */
function acceptEmptyInitialResponse(conn: { handler_AUTH: CommandFn }): void {
  const orig = conn.handler_AUTH.bind(conn);
  conn.handler_AUTH = (command, callback) => {
    const a = parseAuthArgs(
      command
        .toString()
        .trim()
        .replace(/^\S+ ?/, ""),
    );
    orig(a?.initial === "" ? Buffer.from(`AUTH ${a.mech}`) : command, callback);
  };
}

/** Per-connection tweaks: keep Exchange's own enhanced status codes; hide AUTH before STARTTLS; accept `AUTH <mech> =`. */
function keepExchangeStatusCodes(server: SMTPServer, session: SMTPServerSession): void {
  type Conn = { session: unknown; secure: boolean; send: SendFn; handler_AUTH: CommandFn };
  const conns = (server as unknown as { connections: Set<Conn> }).connections;
  for (const c of conns) {
    if (c.session !== session) continue;
    acceptEmptyInitialResponse(c);
    const orig = c.send.bind(c);
    c.send = (code, data, context) => {
      // Exchange advertises AUTH on 587 only after STARTTLS (smtp-server lists it before and refuses it later).
      if (Array.isArray(data) && !c.secure)
        return orig(
          code,
          data.filter((l) => !/^AUTH /.test(l)),
          context,
        );
      if (code === 235 && data === "Authentication successful") return orig(code, `2.7.0 ${data}`, false);
      orig(code, data, typeof data === "string" && /^\d\.\d{1,3}\.\d{1,3} /.test(data) ? false : context);
    };
  }
}

export function createSmtpServer(ctx: ServerContext, sent: SentMessage[]): SMTPServer {
  const host = ctx.hostName;
  /** The mailbox each logged-in connection holds a session of (released at close). */
  const held = new Map<string, string>();
  const server: SMTPServer = new SMTPServer({
    name: host,
    banner: "Microsoft ESMTP MAIL Service ready",
    secure: false,
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    authMethods: ["LOGIN", "XOAUTH2"],
    size: 157_286_400,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 100,
    hideENHANCEDSTATUSCODES: false,
    onConnect(session, cb) {
      keepExchangeStatusCodes(server, session);
      cb();
    },
    onAuth(auth: SMTPServerAuthentication, session, cb) {
      if (auth.method !== "XOAUTH2") {
        record(ctx, { protocol: "smtp", user: auth.username ?? "", ok: false, reason: "basic_auth_disabled" });
        return cb(tableError(replyFor("basic-auth", "smtp", { host })[0] as string));
      }
      const d = authorize(ctx, "smtp", auth.username ?? "", auth.accessToken ?? "");
      if (d.ok) {
        const user: AuthedUser = { address: d.mailbox.address, sp: d.sp, mailbox: d.mailbox };
        held.set(session.id, user.address);
        return cb(null, { user });
      }
      const limit = String(ctx.faults.maxSessionsPerMailbox ?? "");
      return cb(tableError(failureReply(d, "smtp", { host, limit })[0] as string));
    },
    onClose(session) {
      const address = held.get(session.id);
      held.delete(session.id);
      if (address) release(ctx, address);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= LIMITS.maxMessageBytes) chunks.push(c);
      });
      stream.on("end", () => {
        const user = session.user as unknown as AuthedUser | undefined;
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        if (!user) return cb(smtpError(530, "5.7.57 Client not authenticated to send mail."));
        if (!maySendAs(ctx.directory, user.sp, from)) {
          record(ctx, { protocol: "smtp", user: user.address, ok: false, reason: "send_as_denied", detail: from });
          return cb(tableError(replyFor("send-as-denied", "smtp", { user: user.address, from, host })[0] as string));
        }
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address);
        const deliveredTo: string[] = [];
        for (const rcpt of to) {
          const mb = ctx.directory.findMailbox(rcpt);
          if (!mb) continue;
          ctx.directory.deliver(mb.address, raw);
          deliveredTo.push(mb.address);
        }
        sent.push({ authUser: user.address, from, to, raw, deliveredTo });
        cb();
      });
    },
  });
  server.on("error", () => {});
  return server;
}
