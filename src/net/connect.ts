/**
 * The one TCP / TLS connect helper for the mail protocols: implicit TLS (RFC 8314 §3.3), STARTTLS/STLS upgrade
 * (RFC 2595 §4, RFC 3207 §4), plain TCP. Certificate verification is always on; extra CAs add to Node's roots.
 */
import net from "node:net";
import tls from "node:tls";
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { mapNetworkError } from "./errors.js";
import { trustedContext } from "./trust.js";

import type { TlsMode } from "./types.js";

export type { TlsMode } from "./types.js";

export interface ConnectTimeouts {
  connectMs?: number;
  tlsMs?: number;
}

export interface ConnectOptions {
  host: string;
  port: number;
  tls: TlsMode;
  /** Extra trusted CA certificates (PEM), in addition to `tls.rootCertificates`. */
  ca?: string[];
  /** TLS server name (SNI and certificate check); defaults to `host`. */
  servername?: string;
  timeouts?: ConnectTimeouts;
}

export interface UpgradeOptions {
  host: string;
  port?: number;
  ca?: string[];
  servername?: string;
  timeoutMs?: number;
}

/** Per-step durations in milliseconds, for `test`'s step output. */
export interface ConnectTimings {
  tcpMs?: number;
  tlsMs?: number;
}

export type MailSocket = net.Socket | tls.TLSSocket;

const timings = new WeakMap<net.Socket, ConnectTimings>();

/** The recorded TCP / TLS handshake durations of a socket made by `connect` / `upgradeToTls`. */
export function timingsOf(socket: net.Socket): ConnectTimings {
  return { ...(timings.get(socket) ?? {}) };
}

function record(socket: net.Socket, t: ConnectTimings): void {
  timings.set(socket, { ...(timings.get(socket) ?? {}), ...t });
}

function noop(): void {}

function timeoutError(what: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${what} timed out`);
  e.code = "ETIMEDOUT";
  return e;
}

/** Opens a TCP connection (and TLS when `tls` is `implicit`); errors are typed via `mapNetworkError`. */
export async function connect(opts: ConnectOptions): Promise<MailSocket> {
  const started = Date.now();
  const connectMs = opts.timeouts?.connectMs ?? LIMITS.timeouts.connectMs;
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: opts.host, port: opts.port });
    const timer = setTimeout(() => s.destroy(timeoutError("TCP connect")), connectMs);
    s.once("error", (err) => {
      clearTimeout(timer);
      s.destroy();
      reject(mapNetworkError(err, "mail-server", opts.host, opts.port));
    });
    s.once("connect", () => {
      clearTimeout(timer);
      s.removeAllListeners("error");
      // A late socket error must never become an uncaught exception; the session adds its own handler.
      s.on("error", noop);
      resolve(s);
    });
  });
  record(socket, { tcpMs: Date.now() - started });
  if (opts.tls !== "implicit") return socket;
  const t = timingsOf(socket);
  const secure = await upgradeToTls(socket, {
    host: opts.host,
    port: opts.port,
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.servername ? { servername: opts.servername } : {}),
    timeoutMs: opts.timeouts?.tlsMs ?? LIMITS.timeouts.tlsMs,
  });
  record(secure, { tcpMs: t.tcpMs ?? 0 });
  return secure;
}

/** Runs a TLS client handshake over an already connected socket (after STLS / STARTTLS succeeded). */
export async function upgradeToTls(socket: net.Socket, opts: UpgradeOptions): Promise<tls.TLSSocket> {
  const started = Date.now();
  const port = opts.port ?? socket.remotePort ?? 0;
  const name = opts.servername ?? opts.host;
  const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({
      socket,
      host: name,
      // SNI must not carry an IP address (RFC 6066 §3); the certificate check still uses `host`.
      ...(net.isIP(name) ? {} : { servername: name }),
      // One shared context per CA list, not one per connection (src/net/trust.ts: native memory of a daemon).
      ...(opts.ca && opts.ca.length > 0 ? { secureContext: trustedContext(opts.ca) } : {}),
      rejectUnauthorized: true,
      checkServerIdentity: tls.checkServerIdentity,
    });
    const timer = setTimeout(() => s.destroy(timeoutError("TLS handshake")), opts.timeoutMs ?? LIMITS.timeouts.tlsMs);
    const onError = (err: Error): void => {
      clearTimeout(timer);
      s.destroy();
      socket.destroy();
      reject(mapNetworkError(err, "mail-server", opts.host, port));
    };
    s.once("error", onError);
    s.once("close", () =>
      onError(Object.assign(new Error("connection closed during TLS handshake"), { code: "ECONNRESET" })),
    );
    s.once("secureConnect", () => {
      clearTimeout(timer);
      s.removeAllListeners("error");
      s.removeAllListeners("close");
      s.on("error", noop);
      if (!s.authorized) {
        // Unreachable with rejectUnauthorized, kept as a guard: never hand out an unverified socket.
        s.destroy();
        reject(new XoauthError("TLS_UNTRUSTED", `The TLS certificate of ${opts.host}:${port} is not trusted.`));
        return;
      }
      resolve(s);
    });
  });
  record(secure, { ...timings.get(socket), tlsMs: Date.now() - started });
  return secure;
}
