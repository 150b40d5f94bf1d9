/**
 * SMTP submission side of the Exchange fake (port 587 STARTTLS, reference section 3), built on `smtp-server`.
 *
 * Exact texts: smtp-server prefixes every reply with its own enhanced status code (535 -> 5.7.8). Exchange's texts
 * carry their own (5.7.3, 5.7.139, 5.2.252), so each connection's `send` is wrapped to skip the automatic code when
 * the text already starts with one; the 235 success gets Exchange's `2.7.0` explicitly (smtp-server omits it when
 * enhanced status codes are hidden, which is its default).
 * The greeting cannot be Exchange's verbatim: smtp-server always sends `220 <name> ESMTP <banner>`.
 *
 * SendAs: Exchange accepts MAIL FROM and rejects the message at the end of DATA when the authenticated principal
 * may not send as the From address (STOREDRV.Submission is the store driver submitting the message), so the
 * 554 5.2.252 reply is the answer to DATA, not to MAIL FROM.
 */
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from "smtp-server";
import { LIMITS } from "../../limits.js";
import { parseAuthArgs } from "../../sasl/server.js";
import { authorize, record, type ServerContext } from "./context.js";
import type { ExchangeServicePrincipal, FakeMailbox } from "./directory.js";
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

export const SMTP_TEXT = {
  authFail: (host: string) => `5.7.3 Authentication unsuccessful [${host}]`,
  tenantDisabled: (host: string) =>
    `5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [${host}]`,
  mailboxDisabled: (host: string) =>
    `5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. [${host}]`,
  basicDisabled: (host: string) => `5.7.139 Authentication unsuccessful, basic authentication is disabled. [${host}]`,
  sendAsDenied: (user: string, from: string, host: string) =>
    `5.2.252 SendAsDenied; ${user} not allowed to send as ${from}; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. 0.35250:0A00C184, 1.36674:0A000000, 1.61250:00000000, 1.45378:02000000, 1.44866:00000000, 1.36674:0E000000, 1.61250:00000000, 1.45378:00000000, 1.44866:00000000, 16.55847:1B000000[EndDiagnosticData] [Hostname=${host}]`,
} as const;

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
    onAuth(auth: SMTPServerAuthentication, _session, cb) {
      if (auth.method !== "XOAUTH2") {
        record(ctx, { protocol: "smtp", user: auth.username ?? "", ok: false, reason: "basic_auth_disabled" });
        return cb(smtpError(535, SMTP_TEXT.basicDisabled(host)));
      }
      const d = authorize(ctx, "smtp", auth.username ?? "", auth.accessToken ?? "");
      if (d.ok) {
        const user: AuthedUser = { address: d.mailbox.address, sp: d.sp, mailbox: d.mailbox };
        return cb(null, { user });
      }
      if (d.reason === "smtp_auth_disabled_tenant") return cb(smtpError(535, SMTP_TEXT.tenantDisabled(host)));
      if (d.reason === "smtp_auth_disabled_mailbox") return cb(smtpError(535, SMTP_TEXT.mailboxDisabled(host)));
      return cb(smtpError(535, SMTP_TEXT.authFail(host)));
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
          return cb(smtpError(554, SMTP_TEXT.sendAsDenied(user.address, from, host)));
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
