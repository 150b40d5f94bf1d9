/**
 * Upstream SMTP submission login: EHLO, STARTTLS, EHLO, then the one SMTP XOAUTH2 login (src/smtp/xoauth2-login.ts),
 * over a small raw session of ours (RFC 5321, 3207, 4954). Not nodemailer: the proxy takes the logged-in socket over
 * (UpstreamConn.detach) and nodemailer has no public way to hand its socket out.
 */
import { XoauthError } from "../../errors.js";
import { type SmtpReply, xoauth2Login } from "../../smtp/xoauth2-login.js";
import type { UpstreamLoginRequest } from "../types.js";
import { authRejected, type UpstreamConn, upstreamToken } from "./conn.js";

const MAX_REPLY_LINES = 200;

/** One SMTP reply (RFC 5321 section 4.2): `ddd-text` continuation lines, `ddd text` last line. */
export async function readSmtpReply(c: UpstreamConn): Promise<SmtpReply> {
  const lines: string[] = [];
  for (;;) {
    const l = await c.readLine();
    if (!/^\d{3}([ -]|$)/.test(l)) throw c.protocolError("(not an SMTP reply)", l);
    lines.push(l);
    if (l[3] !== "-") return { code: Number(l.slice(0, 3)), lines };
    if (lines.length > MAX_REPLY_LINES) throw c.protocolError("(SMTP reply too long)", l);
  }
}

async function ehlo(c: UpstreamConn, name: string): Promise<string[]> {
  c.send(`EHLO ${name}`);
  const r = await readSmtpReply(c);
  if (r.code !== 250) throw c.protocolError("to EHLO", r.lines.join(" | "));
  return r.lines.slice(1).map((l) => l.slice(4).toUpperCase());
}

export async function smtpUpstreamLogin(c: UpstreamConn, req: UpstreamLoginRequest): Promise<string> {
  const g = await readSmtpReply(c);
  if (g.code !== 220) throw c.protocolError("instead of the SMTP greeting", g.lines.join(" | "));
  const name = req.ehloName && /^[A-Za-z0-9.[\]:_-]{1,255}$/.test(req.ehloName) ? req.ehloName : "localhost";
  let ext = await ehlo(c, name);
  if (req.target.tls === "starttls") {
    c.send("STARTTLS");
    const r = await readSmtpReply(c);
    if (r.code !== 220) throw c.protocolError("to STARTTLS", r.lines.join(" | "));
    await c.startTls();
    ext = await ehlo(c, name);
  }
  const auth = ext.find((e) => e.startsWith("AUTH ") || e.startsWith("AUTH="));
  if (!auth || !/\bXOAUTH2\b/.test(auth)) {
    throw new XoauthError("XOAUTH2_NOT_OFFERED", `The SMTP server ${c.where} does not offer AUTH XOAUTH2.`, {
      details: { serverReply: auth ?? "(no AUTH extension)" },
    });
  }
  const cmd = (line: string): Promise<SmtpReply> => {
    c.send(line);
    return readSmtpReply(c);
  };
  const r = await xoauth2Login(cmd, { user: req.account.mailbox, token: () => upstreamToken(req) });
  if (r.ok) return r.reply.lines.join("\r\n");
  throw authRejected(req, r.reply.lines.join(" | "), r.saslError);
}
