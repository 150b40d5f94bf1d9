/** Upstream POP3 login: greeting, optional STLS, two-step `AUTH XOAUTH2` (RFC 5034, Microsoft's XOAUTH2 format). */

import type { UpstreamLoginRequest } from "../types.js";
import { authRejected, saslErrorOf, type UpstreamConn, xoauth2Response } from "./conn.js";

export async function pop3UpstreamLogin(c: UpstreamConn, req: UpstreamLoginRequest): Promise<string> {
  const greeting = await c.readLine();
  if (!greeting.startsWith("+OK")) throw c.protocolError("instead of the POP3 greeting", greeting);
  if (req.target.tls === "starttls") {
    c.send("STLS");
    const r = await c.readLine();
    if (!r.startsWith("+OK")) throw c.protocolError("to STLS", r);
    await c.startTls();
  }
  const ir = await xoauth2Response(req);
  c.send("AUTH XOAUTH2");
  const go = await c.readLine();
  if (go.startsWith("-ERR")) throw authRejected(req, go);
  if (!go.startsWith("+")) throw c.protocolError("to AUTH XOAUTH2", go);
  c.send(ir);
  let r = await c.readLine();
  let sasl: ReturnType<typeof saslErrorOf>;
  if (r === "+" || r.startsWith("+ ")) {
    // Error continuation with base64 JSON: answer with an empty line, then the final failure follows.
    sasl = saslErrorOf(r.slice(1));
    c.send("");
    r = await c.readLine();
  }
  if (r.startsWith("+OK")) return r;
  if (r.startsWith("-ERR")) throw authRejected(req, r, sasl);
  throw c.protocolError("to the XOAUTH2 response", r);
}
