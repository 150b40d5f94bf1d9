/**
 * Upstream IMAP login of the proxy: our IMAP client (src/imap/client.ts) does greeting, STARTTLS when asked,
 * AUTHENTICATE XOAUTH2 (src/imap/login.ts, the login `test` and `fetch` use) and learns the capabilities after it;
 * then it hands the socket over, with the bytes it received after the last reply, for the byte-for-byte pipe.
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
  const { socket: loggedIn, leftover } = client.detach();
  return { socket: loggedIn, leftover, successText: client.loginReply ?? "", capabilities: client.announced };
}
