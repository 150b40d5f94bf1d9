/**
 * IMAP server side in the not-authenticated state (RFC 9051 sections 6.1-6.2, RFC 4959 SASL-IR, RFC 7888 LITERAL+).
 * Offers LOGIN and AUTHENTICATE PLAIN; never XOAUTH2. On success the client's own tag gets the OK.
 */
import { LIMITS } from "../../limits.js";
import { initialResponse } from "../../sasl/server.js";
import {
  type CommandSource,
  type ImapCommand,
  ImapSyntaxError,
  readImapCommand,
  str,
} from "../../server/imap-command.js";
import { type ClientIo, startTlsCommand } from "../client-io.js";
import { closingReply } from "../replies.js";
import { readPasswordSasl } from "../sasl-server.js";
import type { LoginFn, LoginResult, UpstreamSession } from "../types.js";

const MAX_FAILURES = 3;
/** Before login a command carries at most a user name and a password: few, small literals. */
const LIMITS_BEFORE_LOGIN = { maxLiteral: 8 * 1024, maxLiterals: 4, continuation: "Ready for literal data" };

export function imapCapabilities(io: Pick<ClientIo, "canStartTls" | "loginNeedsTls">): string[] {
  const caps = ["IMAP4rev1", "LITERAL+", "SASL-IR"];
  if (io.canStartTls) caps.push("STARTTLS");
  if (io.loginNeedsTls) caps.push("LOGINDISABLED");
  else caps.push("AUTH=PLAIN");
  return caps;
}

/** Upstream post-auth capabilities minus what only the proxy's upstream leg may use. */
export function rewriteImapCapabilities(caps: string[]): string[] {
  return caps.filter((c) => !/^(AUTH=|STARTTLS$|LOGINDISABLED$|SASL-IR$)/i.test(c));
}

/**
 * The NO for a failed login (RFC 5530 response codes): UNAVAILABLE when retrying later may work; AUTHORIZATIONFAILED
 * when the mail server accepted the proxy's login but will not open the mailbox for it (Exchange's "authenticated but
 * not connected": the app lacks FullAccess, or IMAP is off for the mailbox); AUTHENTICATIONFAILED otherwise.
 */
function loginFailure(result: Exclude<LoginResult, { ok: true }>): string {
  if (result.kind === "upstream" && result.temporary) {
    return "NO [UNAVAILABLE] The mail server is unavailable, try again later.";
  }
  if (result.kind === "upstream" && result.error.code === "MAILBOX_NOT_CONNECTED") {
    return "NO [AUTHORIZATIONFAILED] The mail server does not open this mailbox for the proxy.";
  }
  return "NO [AUTHENTICATIONFAILED] Authentication failed.";
}

export async function imapFrontend(io: ClientIo, login: LoginFn): Promise<UpstreamSession | undefined> {
  io.write("* OK xoauth-mail proxy ready.\r\n");
  const src: CommandSource = {
    line: () => io.readLine(),
    bytes: (n) => io.readBytes(n),
    write: (t) => io.write(t),
  };
  let failures = 0;
  for (let n = 0; n < LIMITS.proxyMaxCommandsBeforeLogin; n++) {
    let cmd: ImapCommand | null;
    try {
      cmd = await readImapCommand(src, LIMITS_BEFORE_LOGIN);
    } catch (e) {
      if (!(e instanceof ImapSyntaxError)) throw e;
      io.write(`${e.tag ?? "*"} BAD ${e.message}\r\n`);
      continue;
    }
    if (!cmd) return undefined; // not reached: io.readLine throws at the end of input
    const { tag, name } = cmd;
    const args = cmd.args.map(str);
    let creds: { username: string; password: string } | undefined;
    switch (name) {
      case "CAPABILITY":
        io.write(`* CAPABILITY ${imapCapabilities(io).join(" ")}\r\n${tag} OK CAPABILITY completed.\r\n`);
        continue;
      case "NOOP":
        io.write(`${tag} OK NOOP completed.\r\n`);
        continue;
      case "ID": // RFC 2971: clients send it before login; the proxy tells nothing about itself
        io.write(`* ID NIL\r\n${tag} OK ID completed.\r\n`);
        continue;
      case "LOGOUT":
        io.write(`* BYE Logging out.\r\n${tag} OK LOGOUT completed.\r\n`);
        return undefined;
      case "STARTTLS":
        await startTlsCommand(io, `${tag} BAD STARTTLS is not available.`, `${tag} OK Begin TLS negotiation now.`);
        continue;
      case "LOGIN":
        if (io.loginNeedsTls) {
          io.write(`${tag} NO [PRIVACYREQUIRED] Use STARTTLS first.\r\n`);
          continue;
        }
        if (args.length !== 2 || !args[0] || !args[1]) {
          io.write(`${tag} BAD LOGIN expects a user name and a password.\r\n`);
          continue;
        }
        creds = { username: args[0], password: args[1] };
        break;
      case "AUTHENTICATE": {
        if (io.loginNeedsTls) {
          io.write(`${tag} NO [PRIVACYREQUIRED] Use STARTTLS first.\r\n`);
          continue;
        }
        if ((args[0] ?? "").toUpperCase() !== "PLAIN" || args.length > 2) {
          io.write(`${tag} NO Unsupported authentication mechanism.\r\n`);
          continue;
        }
        const c = await readPasswordSasl(io, "PLAIN", initialResponse(args[1]), {
          challenge: (b64) => `+ ${b64}`,
          cancelled: `${tag} BAD AUTHENTICATE cancelled.`,
          invalid: () => `${tag} BAD Invalid SASL PLAIN response.`,
        });
        if (typeof c === "string") {
          io.write(`${c}\r\n`);
          continue;
        }
        creds = c;
        break;
      }
      default:
        io.write(`${tag} BAD Command not valid before login.\r\n`);
        continue;
    }
    const result = await login(creds.username, creds.password);
    if (result.ok) {
      const caps = result.upstream.capabilities;
      const code = caps ? `[CAPABILITY ${rewriteImapCapabilities(caps).join(" ")}] ` : "";
      io.write(`${tag} OK ${code}Logged in.\r\n`);
      return result.upstream;
    }
    io.write(`${tag} ${loginFailure(result)}\r\n`);
    if (++failures >= MAX_FAILURES) {
      io.write("* BYE Too many failed logins.\r\n");
      return undefined;
    }
  }
  io.write(closingReply("imap", "too-many-commands"));
  return undefined;
}
