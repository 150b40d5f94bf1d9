/**
 * POP3 server side until login (RFC 1939, RFC 2449 CAPA, RFC 5034 SASL, RFC 2595 STLS, RFC 3206 codes).
 * Offers USER/PASS and SASL PLAIN/LOGIN; never XOAUTH2.
 */
import { LIMITS } from "../../limits.js";
import { type ClientIo, splitCommand, startTlsCommand } from "../client-io.js";
import { closingReply } from "../replies.js";
import { type PasswordCredentials, passwordAuthArgs, readPasswordSasl, type SaslWording } from "../sasl-server.js";
import type { LoginFn, LoginResult, UpstreamSession } from "../types.js";

const MAX_FAILURES = 3;

/** CAPA as the client may use it. */
export function pop3Capa(io: Pick<ClientIo, "canStartTls" | "loginNeedsTls">): string[] {
  const caps = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE"];
  if (!io.loginNeedsTls) caps.push("USER", "SASL PLAIN LOGIN");
  if (io.canStartTls) caps.push("STLS");
  return caps;
}

function failureLine(r: Exclude<LoginResult, { ok: true }>): string {
  if (r.kind === "upstream" && r.temporary) return "-ERR [SYS/TEMP] The mail server is unavailable, try again later.";
  return "-ERR [AUTH] Authentication failed.";
}

const SASL_WORDING: SaslWording = {
  challenge: (c) => `+ ${c}`,
  cancelled: "-ERR Authentication cancelled.",
  invalid: (mech) => `-ERR Invalid SASL ${mech} response.`,
};

/** Runs the AUTHORIZATION state; resolves with the upstream session, or undefined when the client quit. */
export async function pop3Frontend(io: ClientIo, login: LoginFn): Promise<UpstreamSession | undefined> {
  io.write("+OK xoauth-mail proxy ready.\r\n");
  let user: string | undefined;
  let failures = 0;
  for (let n = 0; n < LIMITS.proxyMaxCommandsBeforeLogin; n++) {
    const line = await io.readLine();
    const { verb, arg } = splitCommand(line);
    let creds: PasswordCredentials | undefined;
    if (verb !== "PASS") user = verb === "USER" ? user : undefined;
    switch (verb) {
      case "CAPA":
        io.write(`+OK Capability list follows\r\n${pop3Capa(io).join("\r\n")}\r\n.\r\n`);
        continue;
      case "NOOP":
        io.write("+OK\r\n");
        continue;
      case "QUIT":
        io.write("+OK Bye.\r\n");
        return undefined;
      case "STLS":
        await startTlsCommand(io, "-ERR STLS is not available.", "+OK Begin TLS negotiation.");
        continue;
      case "USER":
        if (io.loginNeedsTls) {
          io.write("-ERR [AUTH] Use STLS first.\r\n");
          continue;
        }
        if (!arg || arg.length > 256) {
          io.write("-ERR Invalid user name.\r\n");
          continue;
        }
        user = arg;
        io.write("+OK\r\n");
        continue;
      case "PASS":
        if (user === undefined) {
          io.write("-ERR USER first.\r\n");
          continue;
        }
        creds = { username: user, password: arg };
        user = undefined;
        break;
      case "AUTH": {
        if (!arg.split(" ")[0]) {
          io.write(io.loginNeedsTls ? "+OK\r\n.\r\n" : "+OK\r\nPLAIN\r\nLOGIN\r\n.\r\n");
          continue;
        }
        if (io.loginNeedsTls) {
          io.write("-ERR [AUTH] Use STLS first.\r\n");
          continue;
        }
        const auth = passwordAuthArgs(arg);
        if (!auth) {
          io.write("-ERR Unsupported SASL mechanism.\r\n");
          continue;
        }
        const r = await readPasswordSasl(io, auth.mech, auth.initial, SASL_WORDING);
        if (typeof r === "string") {
          io.write(`${r}\r\n`);
          continue;
        }
        creds = r;
        break;
      }
      default:
        io.write("-ERR Log in first.\r\n");
        continue;
    }
    const result = await login(creds.username, creds.password);
    if (result.ok) {
      const text = result.upstream.successText.startsWith("+OK") ? result.upstream.successText : "+OK Logged in.";
      io.write(`${text}\r\n`);
      return result.upstream;
    }
    io.write(`${failureLine(result)}\r\n`);
    if (++failures >= MAX_FAILURES) return undefined;
  }
  io.write(closingReply("pop3", "too-many-commands"));
  return undefined;
}
