/**
 * A keep-alive HTTPS agent on the project's network rules: the shared trust context for extra CAs (src/net/trust.ts),
 * certificate checks that NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch off, and an HTTPS proxy (CONNECT tunnel,
 * RFC 9110 section 9.3.6) unless NO_PROXY names the host. Tunnelled connections are kept alive like direct ones.
 */
import https from "node:https";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { bypassesProxy, connectTunnel } from "../auth/proxy.js";
import { trustedContext } from "./trust.js";

export interface VerifiedAgentOptions {
  /** Extra CA PEMs trusted in addition to Node's roots. */
  ca?: string[] | undefined;
  proxy?: string | undefined;
  noProxy?: string | undefined;
  /** Sockets per host (in use + idle); requests beyond it wait in the agent. */
  maxSockets: number;
  /** Connect timeout (TCP, proxy tunnel and TLS handshake). */
  connectTimeoutMs: number;
}

/**
 * TLS options every request of a verified agent carries, set explicitly: a connection that leaves
 * `rejectUnauthorized` unset skips the checks when NODE_TLS_REJECT_UNAUTHORIZED=0 is set (Node docs, "Environment
 * variables"). `servername` (SNI) only for host names, never for IP literals (RFC 6066 section 3).
 */
export function verifiedTlsOptions(trust: tls.SecureContext | undefined, host: string): tls.ConnectionOptions {
  return {
    rejectUnauthorized: true,
    checkServerIdentity: tls.checkServerIdentity,
    ...(trust ? { secureContext: trust } : {}),
    ...(isIP(host) ? {} : { servername: host }),
  };
}

/** How long a kept-alive socket may sit unused in the pool. */
export const FREE_SOCKET_MS = 4000;

type ConnectOptions = tls.ConnectionOptions & { host?: string; port?: number | string };

/** The agent; give each request `verifiedTlsOptions(agent.trust, host)` as well (they also key the socket pool). */
export class VerifiedAgent extends https.Agent {
  readonly trust: tls.SecureContext | undefined;
  /** TLS connections opened so far (a test and the trace use it to see keep-alive at work). */
  connections = 0;

  constructor(private readonly opts: VerifiedAgentOptions) {
    // Idle sockets are closed after FREE_SOCKET_MS, before a server's own keep-alive timeout (Node's default is 5 s)
    // closes them under a new request.
    super({ keepAlive: true, maxSockets: opts.maxSockets, scheduling: "lifo", timeout: FREE_SOCKET_MS });
    this.trust = trustedContext(opts.ca);
  }

  override createConnection(options: ConnectOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    this.connections++;
    const host = String(options.host ?? "").replace(/^\[|\]$/g, "");
    const port = Number(options.port) || 443;
    const tlsOpts = { ...options, ...verifiedTlsOptions(this.trust, host) };
    const proxy = this.opts.proxy;
    if (!proxy || bypassesProxy(host, port, this.opts.noProxy)) {
      const sock = tls.connect(tlsOpts);
      armConnectTimeout(sock, this.opts.connectTimeoutMs);
      return sock;
    }
    const ac = new AbortController();
    const timer = setTimeout(
      () =>
        ac.abort(Object.assign(new Error(`timed out after ${this.opts.connectTimeoutMs} ms`), { code: "ETIMEDOUT" })),
      this.opts.connectTimeoutMs,
    );
    connectTunnel(proxy, host, port, this.trust, ac.signal).then(
      (raw) => {
        clearTimeout(timer);
        const sock = tls.connect({ ...tlsOpts, socket: raw });
        armConnectTimeout(sock, this.opts.connectTimeoutMs);
        callback?.(null, sock);
      },
      (err: unknown) => {
        clearTimeout(timer);
        callback?.(ac.signal.aborted ? (ac.signal.reason as Error) : (err as Error), undefined as unknown as Duplex);
      },
    );
    // Node's Agent takes the socket from the callback when nothing is returned.
    return undefined as unknown as Duplex;
  }
}

/** Destroys a TLS socket whose handshake does not finish within `ms` (ETIMEDOUT, mapped to TIMEOUT). */
function armConnectTimeout(sock: tls.TLSSocket, ms: number): void {
  const timer = setTimeout(
    () => sock.destroy(Object.assign(new Error(`timed out after ${ms} ms`), { code: "ETIMEDOUT" })),
    ms,
  );
  timer.unref?.();
  const done = (): void => clearTimeout(timer);
  sock.once("secureConnect", done);
  sock.once("close", done);
}
