/**
 * One client connection: local TLS, the protocol frontend until login (bounded lines, login timeout), the local
 * password check BEFORE any upstream contact, the upstream XOAUTH2 login, then a byte-for-byte pipe both ways.
 *
 * The session owns everything it opens. The login phase ends early when the client goes away, the login timeout
 * fires or the proxy shuts down: an upstream login in progress is cancelled (its socket closed, the token wait
 * abandoned), the client gets the protocol's closing line where one fits (IMAP `* BYE`), and runSession returns.
 */

import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { SecureContext } from "node:tls";
import { isTemporaryCode, toXoauthError, type XoauthError } from "../errors.js";
import { ClientChannel, ClientTlsError } from "./client-channel.js";
import { endClient } from "./client-io.js";
import type { ResolvedListener } from "./config.js";
import { imapFrontend } from "./frontends/imap.js";
import { pop3Frontend } from "./frontends/pop3.js";
import { smtpFrontend } from "./frontends/smtp.js";
import type { ProxyLogger, ProxyLogRecord } from "./log.js";
import { pipeBoth } from "./pipe.js";
import { closingReply } from "./replies.js";
import type { LoginFn, UpstreamAccount, UpstreamLogin, UpstreamSession } from "./types.js";

export interface SessionDeps {
  listener: ResolvedListener;
  secureContext?: SecureContext;
  /** Local password check; undefined when the user is unknown or the password wrong. Never contacts upstream. */
  authenticate(username: string, password: string): Promise<UpstreamAccount | undefined>;
  upstream: UpstreamLogin;
  logger: ProxyLogger;
  authFailureDelayMs: number;
  loginTimeoutMs: number;
  idleTimeoutMs: number;
  maxLineBytes: number;
  /** Grace period for the client to close after our final reply (default CLOSE_GRACE_MS). */
  closeGraceMs?: number;
  /** Aborted when the proxy's drain window is over: every session ends now. */
  shutdown: AbortSignal;
}

/**
 * Failures the client may retry later: the network, a throttled token endpoint, the mail server's "not now"
 * (SERVER_BUSY). Decided by the code (isTemporaryCode, src/errors.ts), whose kinds the Exchange table's replies share.
 * Everything else (a refused login, a bad client secret, a missing permission) fails again until an admin fixes it.
 */
export function isTemporary(err: XoauthError): boolean {
  return isTemporaryCode(err.code);
}

const FRONTENDS = { pop3: pop3Frontend, imap: imapFrontend, smtp: smtpFrontend } as const;

/** Why the login phase ended before a login. */
type LoginEnd = "client-closed" | "timeout" | "shutdown";

class SessionEnded extends Error {
  constructor(readonly reason: LoginEnd) {
    super(`session ended: ${reason}`);
  }
}

/** Socket errors that only mean the client went away (a TCP reset is a normal disconnect, not a bug). */
const CLIENT_GONE = new Set(["CONNECTION_CLOSED", "ECONNRESET", "EPIPE", "ECONNABORTED", "ETIMEDOUT"]);

function isClientGone(e: unknown): boolean {
  if (e instanceof SessionEnded) return e.reason === "client-closed";
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && CLIENT_GONE.has(code);
}

export async function runSession(raw: Socket, id: string, deps: SessionDeps): Promise<void> {
  const { listener, logger } = deps;
  const base = { session: id, listener: listener.name, protocol: listener.protocol };
  let user: string | undefined;
  let account: string | undefined;
  const log = (rec: Omit<ProxyLogRecord, "session" | "listener" | "protocol" | "user" | "account">): void =>
    logger({ ...base, user, account, ...rec });
  raw.on("error", () => {});
  raw.setNoDelay(true);

  // The login phase and everything it opened end together (client gone, login timeout, shutdown).
  const phase = new AbortController();
  const end = (reason: LoginEnd): void => {
    if (!phase.signal.aborted) phase.abort(reason);
  };
  const reasonOf = (): LoginEnd => phase.signal.reason as LoginEnd;
  const clientGone = (): void => end("client-closed");
  const onShutdown = (): void => end("shutdown");
  const watched: Socket[] = [];
  const channel = new ClientChannel(raw, {
    localTls: listener.localTls,
    ...(deps.secureContext ? { secureContext: deps.secureContext } : {}),
    maxLineBytes: deps.maxLineBytes,
    onSocket: (s) => {
      watched.push(s);
      s.on("end", clientGone);
      s.on("close", clientGone);
    },
  });
  const destroyClient = (): void => {
    channel.socket.destroy();
    raw.destroy();
  };
  let greeted = false;
  phase.signal.addEventListener("abort", () => {
    channel.reader.detach();
    const reason = reasonOf();
    if (reason === "client-closed" || !greeted || channel.handshaking) destroyClient();
    else endClient(channel.socket, closingReply(listener.protocol, reason), deps.closeGraceMs);
  });
  const stopped = new Promise<never>((_, reject) => {
    phase.signal.addEventListener("abort", () => reject(new SessionEnded(reasonOf())));
  });
  stopped.catch(() => {});
  const loginTimer = setTimeout(() => end("timeout"), deps.loginTimeoutMs);
  deps.shutdown.addEventListener("abort", onShutdown);
  if (deps.shutdown.aborted) onShutdown();

  const cancelled = (): SessionEnded => {
    log({ level: "info", event: "login", outcome: "cancelled", message: `Upstream login cancelled (${reasonOf()}).` });
    return new SessionEnded(reasonOf());
  };
  const login: LoginFn = async (username, password, hints) => {
    user = username;
    const acct = await deps.authenticate(username, password);
    if (phase.signal.aborted) throw new SessionEnded(reasonOf());
    if (!acct) {
      log({ level: "warn", event: "login", outcome: "local-reject" });
      await sleep(deps.authFailureDelayMs, undefined, { signal: phase.signal });
      return { ok: false, kind: "local" };
    }
    account = acct.name;
    let up: UpstreamSession;
    try {
      up = await deps.upstream.login({
        protocol: listener.protocol,
        target: listener.upstream,
        account: acct,
        signal: phase.signal,
        ...(hints?.ehloName ? { ehloName: hints.ehloName } : {}),
      });
    } catch (e) {
      if (phase.signal.aborted) throw cancelled();
      const error = toXoauthError(e);
      const reply = error.details.serverReply;
      log({
        level: "error",
        event: "login",
        outcome: "upstream-fail",
        code: error.code,
        message: reply ? `${error.message} Server: ${reply}` : error.message,
      });
      await sleep(deps.authFailureDelayMs, undefined, { signal: phase.signal });
      return { ok: false, kind: "upstream", temporary: isTemporary(error), error };
    }
    if (phase.signal.aborted) {
      up.socket.destroy();
      throw cancelled();
    }
    log({ level: "info", event: "login", outcome: "ok" });
    return { ok: true, upstream: up };
  };

  const loginPhaseFailed = (e: unknown): void => {
    if (e instanceof SessionEnded && e.reason === "timeout") {
      log({ level: "warn", event: "login-timeout", outcome: "timeout", code: "TIMEOUT" });
    } else if (e instanceof SessionEnded && e.reason === "shutdown") {
      log({ level: "info", event: "close", outcome: "shutdown" });
    } else if (isClientGone(e) || reasonOf() === "client-closed") {
      destroyClient();
      log({ level: "info", event: "close", outcome: "client-closed" });
    } else if (e instanceof ClientTlsError) {
      destroyClient();
      log({ level: "warn", event: "close", outcome: "client-tls-failed", message: e.message });
    } else {
      const err = toXoauthError(e);
      if (err.code === "LIMIT_EXCEEDED" && !channel.socket.destroyed) {
        channel.reader.detach();
        endClient(channel.socket, closingReply(listener.protocol, "overlong"), deps.closeGraceMs);
      } else destroyClient();
      log({ level: "warn", event: "close", outcome: "error", code: err.code });
    }
  };

  let upstream: UpstreamSession | undefined;
  let frontend: Promise<UpstreamSession | undefined> | undefined;
  try {
    await Promise.race([channel.open(), stopped]);
    greeted = true;
    frontend = FRONTENDS[listener.protocol](channel, login);
    frontend.catch(() => {});
    upstream = await Promise.race([frontend, stopped]);
  } catch (e) {
    // A login that completed in the same moment the phase ended must not leave its upstream socket open.
    frontend?.then(
      (u) => u?.socket.destroy(),
      () => {},
    );
    loginPhaseFailed(e);
    return;
  } finally {
    clearTimeout(loginTimer);
    deps.shutdown.removeEventListener("abort", onShutdown);
    for (const s of watched) {
      s.off("end", clientGone);
      s.off("close", clientGone);
    }
  }
  if (!upstream) {
    endClient(channel.socket, undefined, deps.closeGraceMs);
    log({ level: "info", event: "close", outcome: "no-login" });
    return;
  }
  const leftover = channel.reader.detach();
  if (upstream.serve) {
    const { idleTimeoutMs, shutdown } = deps;
    const r = await upstream.serve({ socket: channel.socket, leftover, idleTimeoutMs, shutdown, log });
    endClient(channel.socket, undefined, deps.closeGraceMs);
    log({ level: r.outcome === "ok" || r.outcome === "shutdown" ? "info" : "warn", event: "close", ...r });
    return;
  }
  const r = await pipeBoth(listener.protocol, channel.socket, upstream, leftover, deps.idleTimeoutMs, deps.shutdown);
  log({ level: r.outcome === "ok" || r.outcome === "shutdown" ? "info" : "warn", event: "close", ...r });
}
