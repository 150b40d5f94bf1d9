/**
 * `upstream: graph` for POP3 listeners: after the local password check (no Graph contact before it), the proxy lists
 * one folder through Graph and serves the rest of the session itself (graph-pop3-session.ts). The listing is the
 * maildrop of the session (RFC 1939 section 8: message numbers and sizes stay fixed until QUIT): the oldest
 * LIMITS.proxyGraphPop3MaxMessages messages of the folder, oldest first, with their sizes.
 *
 * Sizes: Graph's message resource has no MIME size, so LIST reports PR_MESSAGE_SIZE (the store's size, read as an
 * extended property) when Graph gives it. That is an estimate, as Exchange Online's own POP3 server reports by default
 * (Set-CASMailbox -PopEnableExactRFC822Size, default $false: an estimated size,
 * https://learn.microsoft.com/en-us/powershell/module/exchange/set-casmailbox). Only when Graph gives none is the
 * size measured from `$value` at login (exact, but one download per message).
 */
import { Socket } from "node:net";
import type { UpstreamLoginRequest, UpstreamSession } from "../types.js";
import { untilAborted } from "./cancel.js";
import { type GraphUpstreamOptions, leaseGraphClient } from "./graph.js";
import { listMaildrop, type MaildropEntry } from "./graph-pop3-maildrop.js";
import { serveGraphPop3 } from "./graph-pop3-session.js";

/** The login: list the folder; Graph's refusal (permission, mailbox, throttling) fails the login with its code. */
export async function graphPop3Login(
  req: UpstreamLoginRequest,
  opts: GraphUpstreamOptions = {},
): Promise<UpstreamSession> {
  const lease = await leaseGraphClient(req, opts);
  const { client } = lease;
  let released = false;
  const release = (): void => {
    if (!released) lease.release();
    released = true;
  };
  let drop: MaildropEntry[];
  try {
    drop = await untilAborted(listMaildrop(client, req.target.folder ?? "inbox"), req.signal);
  } catch (e) {
    release();
    throw e;
  }
  // A session that ends before it is served (client gone, shutdown) destroys this placeholder: the lease ends too.
  const socket = new Socket();
  socket.once("close", release);
  const octets = drop.reduce((n, m) => n + m.size, 0);
  return {
    socket,
    leftover: Buffer.alloc(0),
    successText: `+OK Logged in, ${drop.length} messages (${octets} octets) through Microsoft Graph.`,
    serve: async (c) => {
      try {
        return await serveGraphPop3(c, { client, drop, deleteTo: req.target.deleteTo ?? "deleteditems" });
      } finally {
        release();
        socket.destroy();
      }
    },
  };
}
