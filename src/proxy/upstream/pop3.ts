/**
 * Upstream POP3 login on the POP3 client's own session: greeting, optional STLS (RFC 2595 §4), then the one POP3
 * XOAUTH2 login (src/pop3/commands/auth.ts, two-step AUTH of RFC 5034 §4); the session then hands the connection
 * over (Pop3Session.detach). Errors are reworded for the proxy's log; codes stay those the session gives.
 */
import type { Socket } from "node:net";
import { toXoauthError, XoauthError } from "../../errors.js";
import { LIMITS } from "../../limits.js";
import { upgradeToTls } from "../../net/connect.js";
import { authXoauth2 } from "../../pop3/commands/auth.js";
import { stls } from "../../pop3/commands/stls.js";
import { Pop3Session } from "../../pop3/session.js";
import type { UpstreamLoginRequest, UpstreamSession } from "../types.js";
import { cancelledError } from "./cancel.js";
import { authRejected, upstreamToken } from "./conn.js";

type Phase = "greeting" | "STLS" | "AUTH XOAUTH2";

/** The proxy's wording of a failure of the shared session (the codes the proxy gave before it shared the session). */
function upstreamError(e: unknown, req: UpstreamLoginRequest, phase: Phase): XoauthError {
  const err = toXoauthError(e);
  const where = `${req.target.host}:${req.target.port}`;
  const reply = err.details.serverReply ?? "";
  if (err.code === "CONNECTION_CLOSED") {
    return new XoauthError("CONNECTION_CLOSED", `The mail server ${where} closed the connection during login.`);
  }
  if (err.code === "TIMEOUT") return new XoauthError("TIMEOUT", `The mail server ${where} did not answer in time.`);
  if (phase === "AUTH XOAUTH2" && err.details.command === "AUTH XOAUTH2") {
    const p = err.details.params ?? {};
    const sasl =
      p.saslStatus === undefined
        ? undefined
        : { status: String(p.saslStatus), schemes: p.saslSchemes as string, scope: p.saslScope as string };
    return authRejected(req, reply, sasl);
  }
  if (!reply) return err;
  const what = phase === "greeting" ? "instead of the POP3 greeting" : `to ${phase}`;
  return new XoauthError("PROTOCOL_ERROR", `Unexpected reply from ${where} ${what}.`, {
    details: { serverReply: reply.slice(0, 300) },
  });
}

export async function pop3UpstreamLogin(
  socket: Socket,
  req: UpstreamLoginRequest,
  ca: string[] | undefined,
): Promise<UpstreamSession> {
  const { host, port } = req.target;
  // One bound per reply, the greeting included, as for the proxy's other upstream logins.
  const timeouts = { greetingMs: LIMITS.timeouts.commandMs };
  const session = new Pop3Session(socket, { host, port, timeouts, handOverAfterLogin: true });
  const onAbort = (): void => session.close();
  req.signal?.addEventListener("abort", onAbort, { once: true });
  let phase: Phase = "greeting";
  try {
    await session.greeting;
    if (req.target.tls === "starttls") {
      phase = "STLS";
      await stls(session, (s) => upgradeToTls(s, { host, port, ...(ca ? { ca } : {}) }));
    }
    phase = "AUTH XOAUTH2";
    const ok = await authXoauth2(session, req.account.mailbox, () => upstreamToken(req));
    return { ...session.detach(), successText: ok.raw };
  } catch (e) {
    session.close();
    throw req.signal?.aborted ? cancelledError() : upstreamError(e, req, phase);
  } finally {
    req.signal?.removeEventListener("abort", onAbort);
  }
}
