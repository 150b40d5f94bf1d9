/**
 * One client connection: local TLS, the protocol frontend until login (bounded lines, login timeout), the local
 * password check BEFORE any upstream contact, the upstream XOAUTH2 login, then a byte-for-byte pipe both ways.
 */

import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type SecureContext, TLSSocket } from "node:tls";
import { errorClassOf, toXoauthError, type XoauthError } from "../errors.js";
import { type ClientIo, endClient } from "./client-io.js";
import type { ResolvedListener } from "./config.js";
import { imapFrontend } from "./frontends/imap.js";
import { pop3Frontend } from "./frontends/pop3.js";
import { smtpFrontend } from "./frontends/smtp.js";
import { LineReader } from "./line-reader.js";
import type { ProxyLogger } from "./log.js";
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
}

/** Failures the client may retry later (network, token endpoint); mail-server refusals are final. */
export function isTemporary(err: XoauthError): boolean {
  return errorClassOf(err.code) !== "mailserver";
}

const FRONTENDS = { pop3: pop3Frontend, imap: imapFrontend, smtp: smtpFrontend } as const;

function upgradeServer(sock: Socket, ctx: SecureContext): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = new TLSSocket(sock, { isServer: true, secureContext: ctx });
    t.once("secure", () => {
      t.off("error", reject);
      resolve(t);
    });
    t.once("error", reject);
  });
}

export async function runSession(raw: Socket, id: string, deps: SessionDeps): Promise<void> {
  const { listener, logger } = deps;
  const base = { session: id, listener: listener.name, protocol: listener.protocol };
  let user: string | undefined;
  let account: string | undefined;
  let client: Socket = raw;
  raw.on("error", () => {});
  raw.setNoDelay(true);
  const loginTimer = setTimeout(() => {
    logger({ ...base, level: "warn", event: "login-timeout", user, outcome: "timeout", code: "TIMEOUT" });
    client.destroy();
    raw.destroy();
  }, deps.loginTimeoutMs);
  let upstream: UpstreamSession | undefined;
  try {
    if (listener.localTls === "implicit") {
      if (!deps.secureContext) throw new Error("implicit TLS listener without certificate");
      client = await upgradeServer(raw, deps.secureContext);
      client.on("error", () => {});
    }
    let tlsActive = listener.localTls === "implicit";
    let reader = new LineReader(client, deps.maxLineBytes);
    const io: ClientIo = {
      get reader() {
        return reader;
      },
      readLine: () => reader.readLine(),
      readBytes: (n) => reader.readBytes(n),
      write: (text) => {
        client.write(text);
      },
      get canStartTls() {
        return listener.localTls === "starttls" && !tlsActive;
      },
      get loginNeedsTls() {
        return listener.localTls !== "none" && !tlsActive;
      },
      async startTls() {
        if (!deps.secureContext) throw new Error("STARTTLS listener without certificate");
        // Bytes pipelined after STARTTLS arrived in clear text: discard them (RFC 2595 section 3.1, CVE-2011-0411).
        reader.detach();
        client = await upgradeServer(client, deps.secureContext);
        client.on("error", () => {});
        tlsActive = true;
        reader = new LineReader(client, deps.maxLineBytes);
      },
    };
    const login: LoginFn = async (username, password, hints) => {
      user = username;
      const acct = await deps.authenticate(username, password);
      if (!acct) {
        logger({
          ...base,
          level: "warn",
          event: "login",
          user,
          outcome: "local-reject",
        });
        await sleep(deps.authFailureDelayMs);
        return { ok: false, kind: "local" };
      }
      account = acct.name;
      try {
        const up = await deps.upstream.login({
          protocol: listener.protocol,
          target: listener.upstream,
          account: acct,
          ...(hints?.ehloName ? { ehloName: hints.ehloName } : {}),
        });
        logger({ ...base, level: "info", event: "login", user, account, outcome: "ok" });
        return { ok: true, upstream: up };
      } catch (e) {
        const error = toXoauthError(e);
        logger({
          ...base,
          level: "error",
          event: "login",
          user,
          account,
          outcome: "upstream-fail",
          code: error.code,
          message: error.details.serverReply ? `${error.message} Server: ${error.details.serverReply}` : error.message,
        });
        await sleep(deps.authFailureDelayMs);
        return { ok: false, kind: "upstream", temporary: isTemporary(error), error };
      }
    };
    upstream = await FRONTENDS[listener.protocol](io, login);
    clearTimeout(loginTimer);
    if (!upstream) {
      endClient(client, undefined, deps.closeGraceMs);
      logger({ ...base, level: "info", event: "close", user, outcome: "no-login" });
      return;
    }
    const leftover = reader.detach();
    await pipeBoth(client, upstream, leftover, deps.idleTimeoutMs, (up, down) =>
      logger({ ...base, level: "info", event: "close", user, account, bytesUp: up, bytesDown: down, outcome: "ok" }),
    );
  } catch (e) {
    clearTimeout(loginTimer);
    const err = toXoauthError(e);
    if (err.code === "LIMIT_EXCEEDED" && !client.destroyed) {
      endClient(client, overlongReply(listener.protocol), deps.closeGraceMs);
    } else client.destroy();
    upstream?.socket.destroy();
    logger({ ...base, level: "warn", event: "close", user, account, outcome: "error", code: err.code });
  }
}

function overlongReply(protocol: ResolvedListener["protocol"]): string {
  if (protocol === "pop3") return "-ERR Line too long.\r\n";
  if (protocol === "imap") return "* BYE Line too long.\r\n";
  return "500 5.5.2 Line too long.\r\n";
}

/**
 * Pipes both ways with backpressure until either side closes; idle timeout on both. No per-chunk JS work: bytes are
 * counted from the sockets' own (plaintext) bytesRead counters at the end, and Nagle is off on both sides so a small
 * final segment (a reply's last line, an SMTP end-of-data dot) is not held for the peer's delayed ACK.
 */
function pipeBoth(
  client: Socket,
  up: UpstreamSession,
  leftover: Buffer,
  idleMs: number,
  done: (bytesUp: number, bytesDown: number) => void,
): Promise<void> {
  const server = up.socket;
  const readBefore = { client: client.bytesRead, server: server.bytesRead };
  client.setNoDelay(true);
  server.setNoDelay(true);
  if (up.leftover.length) client.write(up.leftover);
  if (leftover.length) server.write(leftover);
  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      client.destroy();
      server.destroy();
      done(
        leftover.length + client.bytesRead - readBefore.client,
        up.leftover.length + server.bytesRead - readBefore.server,
      );
      resolve();
    };
    client.pipe(server);
    server.pipe(client);
    for (const s of [client, server]) {
      s.setTimeout(idleMs, finish);
      s.on("error", finish);
      s.on("close", () => {
        // Let the other side flush what it has, then close it too.
        const other = s === client ? server : client;
        if (other.destroyed) return finish();
        if (!other.writableEnded) other.end();
        other.once("close", finish);
        setTimeout(finish, 5000).unref();
      });
    }
  });
}
