/**
 * Upstream IMAP login of the proxy: our IMAP client (src/imap/client.ts) does greeting, STARTTLS when asked,
 * AUTHENTICATE XOAUTH2 (src/imap/login.ts, the login `test` and `fetch` use) and learns the capabilities after it;
 * then it checks that the mailbox is open (`LIST "" ""`, below) and hands the socket over, with the bytes it received
 * after the last reply, for the byte-for-byte pipe.
 */
import type { Socket } from "node:net";
import { ImapClient } from "../../imap/client.js";
import type { UpstreamLoginRequest, UpstreamSession } from "../types.js";
import { untilAborted } from "./cancel.js";
import { tokenFor } from "./conn.js";

export async function imapUpstreamLogin(
  socket: Socket,
  req: UpstreamLoginRequest,
  ca: string[] | undefined,
): Promise<UpstreamSession> {
  const client = await ImapClient.start(socket, {
    host: req.target.host,
    port: req.target.port,
    tls: req.target.tls,
    ...(ca ? { ca } : {}),
    user: req.account.mailbox,
    // The wait for the token ends when the login is cancelled.
    token: async () => (await untilAborted(tokenFor(req), req.signal)).token,
    handOver: true,
  });
  // Exchange Online accepts XOAUTH2 for a mailbox the app has no FullAccess on (or with IMAP disabled) and only
  // answers `BAD User is authenticated but not connected.` at the first mailbox command (LIST, SELECT, ...;
  // https://github.com/simonrob/email-oauth2-proxy/issues/74, https://github.com/getmail6/getmail6/issues/214).
  // `LIST "" ""` (RFC 9051 section 6.3.9: the hierarchy delimiter only) opens nothing and changes no state, so the
  // client still gets a fresh authenticated session; a not-connected answer fails the login with MAILBOX_NOT_CONNECTED.
  try {
    await client.command('LIST "" ""', "LIST");
  } catch (e) {
    client.close();
    throw e;
  }
  const { socket: loggedIn, leftover } = client.detach();
  return { socket: loggedIn, leftover, successText: client.loginReply ?? "", capabilities: client.announced };
}
