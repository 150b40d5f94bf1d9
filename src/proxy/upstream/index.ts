/** The real `UpstreamLogin`: connect (implicit TLS or STARTTLS, verified), log in with XOAUTH2, hand over the socket. */
import { connect } from "../../net/connect.js";
import type { UpstreamLogin, UpstreamLoginRequest, UpstreamSession } from "../types.js";
import { cancelledError, untilAborted } from "./cancel.js";
import { UpstreamConn } from "./conn.js";
import { GraphClients, graphUpstreamSession } from "./graph.js";
import { graphPop3Login } from "./graph-pop3.js";
import { imapUpstreamLogin } from "./imap.js";
import { pop3UpstreamLogin } from "./pop3.js";
import { smtpUpstreamLogin } from "./smtp.js";

export interface UpstreamOptions {
  /** Extra CAs (PEM) trusted for the upstream TLS, in addition to the system roots (`--ca-file`). */
  ca?: string[];
  /** Counts every upstream connection attempt (tests assert that a wrong local password makes none). */
  onConnect?: (req: UpstreamLoginRequest) => void;
}

export function createUpstreamLogin(opts: UpstreamOptions = {}): UpstreamLogin {
  // `upstream: graph` listeners share one Graph client per account (created on first use, closed with the proxy).
  const graphClients = new GraphClients(opts.ca ? { ca: opts.ca } : {});
  return {
    close() {
      graphClients.close();
    },
    async login(req: UpstreamLoginRequest): Promise<UpstreamSession> {
      const { signal } = req;
      if (signal?.aborted) throw cancelledError();
      opts.onConnect?.(req);
      if (req.target.graph) {
        const g = { clients: graphClients };
        return req.protocol === "pop3" ? graphPop3Login(req, g) : graphUpstreamSession(req, g);
      }
      const connecting = connect({
        host: req.target.host,
        port: req.target.port,
        tls: req.target.tls,
        ...(opts.ca ? { ca: opts.ca } : {}),
      });
      const socket = await untilAborted(connecting, signal, (s) => s.destroy());
      // POP3 logs in on the POP3 client's session, which closes itself when the login is cancelled.
      if (req.protocol === "pop3") return pop3UpstreamLogin(socket, req, opts.ca);
      let c: UpstreamConn | undefined;
      // Closing the socket makes the pending read fail at once; the TLS socket after STARTTLS wraps the same one.
      const onAbort = (): void => {
        c?.socket.destroy();
        socket.destroy();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        if (req.protocol === "imap") return await imapUpstreamLogin(socket, req, opts.ca);
        c = new UpstreamConn(socket, req, opts.ca);
        if (req.protocol === "smtp") {
          const successText = await smtpUpstreamLogin(c, req);
          return { socket: c.socket, leftover: c.detach(), successText };
        }
        throw new Error(`unknown protocol ${String(req.protocol)}`);
      } catch (e) {
        onAbort();
        throw signal?.aborted ? cancelledError() : e;
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
    },
  };
}
