/** Upstream IMAP login: greeting, optional STARTTLS, `AUTHENTICATE XOAUTH2` with SASL-IR (RFC 9051, RFC 4959). */

import type { UpstreamLoginRequest } from "../types.js";
import { authRejected, saslErrorOf, type UpstreamConn, xoauth2Response } from "./conn.js";

const MAX_UNTAGGED = 200;

export interface ImapLoginResult {
  /** Text after `<tag> OK`, e.g. `[CAPABILITY IMAP4rev1 ...] Logged in`. */
  okText: string;
  capabilities?: string[];
}

function capsFrom(text: string): string[] | undefined {
  const m = /^\[CAPABILITY ([^\]]*)\]/i.exec(text);
  if (m?.[1]) return m[1].split(" ").filter(Boolean);
  const u = /^\* CAPABILITY (.*)$/i.exec(text);
  return u?.[1] ? u[1].split(" ").filter(Boolean) : undefined;
}

async function tagged(
  c: UpstreamConn,
  tag: string,
  onUntagged: (l: string) => void,
  onContinuation?: (text: string) => void,
): Promise<string> {
  for (let i = 0; i < MAX_UNTAGGED; i++) {
    const l = await c.readLine();
    if (l.startsWith(`${tag} `)) return l.slice(tag.length + 1);
    if (l.startsWith("+") && onContinuation) {
      // SASL error continuation (base64 JSON): answer with an empty line, the tagged NO follows.
      onContinuation(l.slice(1));
      c.send("");
      continue;
    }
    if (!l.startsWith("* ")) throw c.protocolError("(unexpected IMAP line)", l);
    onUntagged(l);
  }
  throw c.protocolError("(too many untagged replies)", "");
}

export async function imapUpstreamLogin(c: UpstreamConn, req: UpstreamLoginRequest): Promise<ImapLoginResult> {
  const greeting = await c.readLine();
  if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw c.protocolError("instead of the IMAP greeting", greeting);
  if (req.target.tls === "starttls") {
    c.send("xp0 STARTTLS");
    const r = await tagged(c, "xp0", () => {});
    if (!/^OK\b/i.test(r)) throw c.protocolError("to STARTTLS", r);
    await c.startTls();
  }
  const ir = await xoauth2Response(req);
  c.send(`xp1 AUTHENTICATE XOAUTH2 ${ir}`);
  let caps: string[] | undefined;
  let sasl: ReturnType<typeof saslErrorOf>;
  const r = await tagged(
    c,
    "xp1",
    (l) => {
      caps = capsFrom(l) ?? caps;
    },
    (text) => {
      sasl = saslErrorOf(text);
    },
  );
  if (/^OK\b/i.test(r)) {
    const okText = r.slice(2).trim();
    caps = capsFrom(okText) ?? caps;
    return caps ? { okText, capabilities: caps } : { okText };
  }
  if (/^(NO|BAD)\b/i.test(r)) throw authRejected(req, r, sasl);
  throw c.protocolError("to AUTHENTICATE XOAUTH2", r);
}
