/**
 * The one XOAUTH2 login of IMAP, for `test`, `fetch`, `fetch --idle` and the proxy's upstream: AUTHENTICATE XOAUTH2
 * (RFC 3501 §6.2.2) with the initial response when SASL-IR is offered (RFC 4959), else after the `+` continuation;
 * a server that refuses the token sends an error continuation (base64 JSON, RFC 7628 §3.2.2) answered with an empty
 * line, then its tagged NO. The XOAUTH2 string is Microsoft's "Authenticate an IMAP, POP or SMTP connection using
 * OAuth" format (src/sasl/xoauth2.ts).
 */
import { resolveToken, type TokenSource } from "../net/types.js";
import { buildXoauth2, parseXoauth2Error } from "../sasl/xoauth2.js";
import type { ImapConnection } from "./connection.js";
import { mapImapError } from "./errors.js";

/** How often loginXoauth2 ran in this process: tests prove with it that `test` and `fetch` share this login. */
export const loginXoauth2Calls = { count: 0 };

/**
 * Logs in with XOAUTH2 and learns the capabilities after it (the OK's response code, an untagged CAPABILITY, or a
 * CAPABILITY command). Throws XOAUTH2_NOT_OFFERED, MAILBOX_ACCESS_DENIED (the reply and SASL error in the details),
 * or the typed error of a failed connection.
 */
export async function loginXoauth2(conn: ImapConnection, creds: { user: string; token: TokenSource }): Promise<void> {
  loginXoauth2Calls.count++;
  const command = "AUTHENTICATE XOAUTH2";
  conn.requireXoauth2();
  const ir = buildXoauth2(creds.user, await resolveToken(creds.token));
  const saslIr = conn.capabilities.has("SASL-IR");
  let sentIr = saslIr;
  let saslError: unknown;
  const caps: string[] = [];
  const t = await conn.step(command, () =>
    conn.session.run({
      line: saslIr ? `${command} ${ir}` : command,
      traceLine: `${command}${saslIr ? " (token hidden)" : ""}`,
      onContinue: (text) => {
        if (!sentIr) {
          sentIr = true;
          return ir;
        }
        saslError = parseXoauth2Error(text) ?? saslError;
        return ""; // the error continuation is answered with an empty line; the tagged NO follows
      },
      onUntagged: (r) => {
        if (r.head.kind === "data" && r.head.type === "CAPABILITY") caps.push(...r.head.rest.split(" "));
      },
    }),
  );
  if (t.status !== "OK") throw mapImapError(undefined, { ...conn.ctx(command), saslError });
  conn.loginReply = `${t.code ? `[${t.code}${t.codeArgs ? ` ${t.codeArgs}` : ""}] ` : ""}${t.text}`;
  if (t.code === "CAPABILITY" && t.codeArgs) conn.setCapabilities(t.codeArgs.split(" "));
  else if (caps.length > 0) conn.setCapabilities(caps);
  else await conn.capability();
}
