/** The proxy server: one TCP listener per configured listener, connection limits, graceful drain. */
import { randomBytes } from "node:crypto";
import { getEventListeners, setMaxListeners } from "node:events";
import net, { type Socket } from "node:net";
import { createSecureContext, type SecureContext } from "node:tls";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import { LIMITS } from "../limits.js";
import { CLOSE_GRACE_MS, endClient } from "./client-io.js";
import type { ResolvedListener } from "./config.js";
import type { ProxyLogger } from "./log.js";
import { verifyAgainstDummy, verifyPassword } from "./password.js";
import { closingReply } from "./replies.js";
import { runSession } from "./session.js";
import type { UpstreamAccount, UpstreamLogin } from "./types.js";

export interface LocalUser {
  username: string;
  passwordHash: string;
  account: UpstreamAccount;
}

export interface ProxyOptions {
  listeners: ResolvedListener[];
  users: LocalUser[];
  upstream: UpstreamLogin;
  logger: ProxyLogger;
  /** PEM cert and key per listener name (CLI reads the files). */
  tls?: Record<string, { cert: string; key: string }>;
  authFailureDelayMs?: number;
  loginTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** Longest line before login (default LIMITS.maxSaslLineBytes). */
  maxLineBytes?: number;
  /** Grace period for a client to close after a final reply (busy, line too long) before it is cut. */
  closeGraceMs?: number;
}

export interface BoundListener {
  name: string;
  host: string;
  port: number;
}

export interface ProxyServer {
  listeners: BoundListener[];
  /**
   * Stops accepting, waits up to drainMs for open sessions, then ends the rest (IMAP `* BYE`, upstream logins
   * cancelled) and destroys what has not closed within the close grace. Always returns.
   */
  close(drainMs?: number): Promise<void>;
  /** Open client sockets (server side) across all listeners, including ones being turned away. */
  connections(): Promise<number>;
  /**
   * What the server holds per session: client sockets, running sessions, listeners on the shutdown signal. All
   * three are 0 once every session has ended (memory bounded by the open sessions, not by how many there were).
   */
  registries(): SessionRegistries;
}

export interface SessionRegistries {
  sockets: number;
  sessions: number;
  shutdownListeners: number;
}

/** Waits for `p` at most `ms` (the timer is cleared either way). */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** Why a listener could not bind, naming it and what to do (exit code 2, like a config error). */
function listenError(l: ResolvedListener, e: NodeJS.ErrnoException): XoauthError {
  const vars = { name: l.name, address: `${l.listen.host}:${l.listen.port}`, port: l.listen.port, error: e.message };
  const known = e.code === "EADDRINUSE" || e.code === "EACCES" || e.code === "EADDRNOTAVAIL" ? e.code : undefined;
  return new XoauthError("CONFIG_INVALID", t(known ? `proxy.listen.${known}` : "proxy.listen.failed", vars), {
    cause: e,
    ...(known ? { fix: [t(`proxy.listen.${known}.fix`, vars)] } : {}),
    details: { params: { listener: l.name, address: vars.address } },
  });
}

function listen(server: net.Server, l: ResolvedListener): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (e) => reject(listenError(l, e)));
    server.listen(l.listen.port, l.listen.host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

export async function startProxy(opts: ProxyOptions): Promise<ProxyServer> {
  const users = new Map(opts.users.map((u) => [u.username, u]));
  const authenticate = async (username: string, password: string): Promise<UpstreamAccount | undefined> => {
    const u = users.get(username);
    if (!u) return verifyAgainstDummy(password).then(() => undefined);
    return (await verifyPassword(password, u.passwordHash)) ? u.account : undefined;
  };
  const servers: net.Server[] = [];
  const open = new Set<Socket>();
  const running = new Set<Promise<void>>();
  // Aborted when the drain window is over: every session ends (cancelling upstream logins in progress).
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal); // one listener per open session, by design: no leak warning

  const bound: BoundListener[] = [];
  try {
    for (const l of opts.listeners) {
      let secureContext: SecureContext | undefined;
      if (l.localTls !== "none") {
        const pem = opts.tls?.[l.name];
        if (!pem) throw new XoauthError("CONFIG_INVALID", `Listener ${l.name} needs a certificate and key.`);
        secureContext = createSecureContext({ cert: pem.cert, key: pem.key, minVersion: "TLSv1.2" });
      }
      let count = 0;
      const server = net.createServer((sock) => {
        sock.on("error", () => {});
        const id = randomBytes(6).toString("hex");
        if (count >= l.maxConnections) {
          opts.logger({
            level: "warn",
            session: id,
            listener: l.name,
            event: "reject",
            outcome: "limit",
            code: "LIMIT_EXCEEDED",
          });
          if (l.localTls === "implicit") sock.destroy();
          else endClient(sock, closingReply(l.protocol, "busy"), opts.closeGraceMs);
          return;
        }
        count++;
        open.add(sock);
        opts.logger({ level: "info", session: id, listener: l.name, protocol: l.protocol, event: "connect" });
        const p = runSession(sock, id, {
          listener: l,
          ...(secureContext ? { secureContext } : {}),
          authenticate,
          upstream: opts.upstream,
          logger: opts.logger,
          authFailureDelayMs: opts.authFailureDelayMs ?? 1000,
          loginTimeoutMs: opts.loginTimeoutMs ?? LIMITS.timeouts.proxyLoginMs,
          idleTimeoutMs: opts.idleTimeoutMs ?? LIMITS.timeouts.proxyIdleMs,
          maxLineBytes: opts.maxLineBytes ?? LIMITS.maxSaslLineBytes,
          ...(opts.closeGraceMs !== undefined ? { closeGraceMs: opts.closeGraceMs } : {}),
          shutdown: shutdown.signal,
        }).finally(() => {
          count--;
          open.delete(sock);
          running.delete(p);
        });
        running.add(p);
      });
      servers.push(server);
      const port = await listen(server, l);
      bound.push({ name: l.name, host: l.listen.host, port });
      opts.logger({
        level: "info",
        listener: l.name,
        protocol: l.protocol,
        event: "listening",
        message: `${l.listen.host}:${port}`,
      });
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  return {
    listeners: bound,
    async close(drainMs = 10_000) {
      for (const s of servers) s.close();
      await settledWithin(Promise.all([...running]), drainMs);
      // Sessions end now: IMAP clients get `* BYE`, upstream logins in progress are cancelled. A session that still
      // has not ended after the close grace is cut, so close() always returns.
      shutdown.abort();
      await settledWithin(Promise.all([...running]), (opts.closeGraceMs ?? CLOSE_GRACE_MS) + 1000);
      for (const s of open) s.destroy();
      opts.upstream.close?.();
    },
    async connections() {
      const counts = await Promise.all(
        servers.map((s) => new Promise<number>((r) => s.getConnections((err, n) => r(err ? 0 : n)))),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    registries: () => ({
      sockets: open.size,
      sessions: running.size,
      shutdownListeners: getEventListeners(shutdown.signal, "abort").length,
    }),
  };
}
