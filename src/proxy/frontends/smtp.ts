/**
 * SMTP submission server side until AUTH (RFC 5321, RFC 3207 STARTTLS, RFC 4954 AUTH): offers AUTH PLAIN LOGIN;
 * MAIL/RCPT/DATA before AUTH are refused, so the proxy never relays without a login.
 */
import { LIMITS } from "../../limits.js";
import { type ClientIo, splitCommand, startTlsCommand } from "../client-io.js";
import { closingReply } from "../replies.js";
import { passwordAuthArgs, readPasswordSasl, type SaslWording } from "../sasl-server.js";
import type { LoginFn, UpstreamSession } from "../types.js";

const MAX_FAILURES = 3;

export function smtpEhloLines(io: Pick<ClientIo, "canStartTls" | "loginNeedsTls">, name: string): string[] {
  const ext = ["ENHANCEDSTATUSCODES", "8BITMIME"];
  if (io.canStartTls) ext.push("STARTTLS");
  if (!io.loginNeedsTls) ext.push("AUTH PLAIN LOGIN");
  const lines = [`xoauth-mail proxy greets ${name}`, ...ext];
  return lines.map((l, i) => `250${i === lines.length - 1 ? " " : "-"}${l}`);
}

const SASL_WORDING: SaslWording = {
  challenge: (c) => `334 ${c}`,
  cancelled: "501 5.7.0 Authentication cancelled.",
  invalid: () => "501 5.5.2 Invalid base64 data.",
};

export async function smtpFrontend(io: ClientIo, login: LoginFn): Promise<UpstreamSession | undefined> {
  io.write("220 xoauth-mail proxy ESMTP ready\r\n");
  let ehloName: string | undefined;
  let failures = 0;
  for (let n = 0; n < LIMITS.proxyMaxCommandsBeforeLogin; n++) {
    const line = await io.readLine();
    const { verb, arg: rawArg } = splitCommand(line);
    const arg = rawArg.trim();
    switch (verb) {
      case "EHLO":
      case "HELO":
        if (!arg) {
          io.write("501 5.5.4 Syntax: EHLO hostname\r\n");
          continue;
        }
        ehloName = arg.split(" ")[0];
        io.write(verb === "HELO" ? "250 xoauth-mail proxy\r\n" : `${smtpEhloLines(io, arg).join("\r\n")}\r\n`);
        continue;
      case "NOOP":
      case "RSET":
        io.write("250 2.0.0 OK\r\n");
        continue;
      case "QUIT":
        io.write("221 2.0.0 Bye\r\n");
        return undefined;
      case "STARTTLS":
        if (await startTlsCommand(io, "502 5.5.1 STARTTLS not available.", "220 2.0.0 Ready to start TLS")) {
          ehloName = undefined; // RFC 3207 section 4.2: the client must EHLO again
        }
        continue;
      case "MAIL":
      case "RCPT":
      case "DATA":
      case "BDAT":
        io.write("530 5.7.0 Authentication required.\r\n");
        continue;
      case "AUTH": {
        if (io.loginNeedsTls) {
          io.write("530 5.7.0 Must issue a STARTTLS command first.\r\n");
          continue;
        }
        if (!ehloName) {
          io.write("503 5.5.1 Send EHLO first.\r\n");
          continue;
        }
        const auth = passwordAuthArgs(arg);
        if (!auth) {
          io.write("504 5.5.4 Unrecognized authentication type.\r\n");
          continue;
        }
        const r = await readPasswordSasl(io, auth.mech, auth.initial, SASL_WORDING);
        if (typeof r === "string") {
          io.write(`${r}\r\n`);
          continue;
        }
        const result = await login(r.username, r.password, { ehloName });
        if (result.ok) {
          io.write("235 2.7.0 Authentication successful.\r\n");
          return result.upstream;
        }
        io.write(
          result.kind === "upstream" && result.temporary
            ? "454 4.7.0 Temporary authentication failure, try again later.\r\n"
            : "535 5.7.8 Authentication credentials invalid.\r\n",
        );
        if (++failures >= MAX_FAILURES) {
          io.write("421 4.7.0 Too many failed logins, closing connection.\r\n");
          return undefined;
        }
        continue;
      }
      default:
        io.write("502 5.5.2 Command not recognized or not allowed before AUTH.\r\n");
    }
  }
  io.write(closingReply("smtp", "too-many-commands"));
  return undefined;
}
