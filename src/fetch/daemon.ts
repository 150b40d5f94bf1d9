/**
 * Daemon mode: `--every DURATION` polls; `--idle` waits with IMAP IDLE (RFC 2177) between fetches. IDLE is ended and
 * re-issued (on a fresh connection, with a token from the provider) before the server's ~30 min timeout, and before
 * the token it logged in with expires: Exchange Online ends a session at that moment (`* BYE Session invalidated -
 * AccessTokenExpired`, src/imap/bye.ts). Such a BYE that comes anyway is a re-login, not a failure. Failures
 * back off exponentially (capped) and are logged; an abort (SIGTERM/SIGINT) ends the loop after the current cycle.
 */
import { decodeClaims } from "../auth/claims.js";
import { toXoauthError, XoauthError } from "../errors.js";
import { isTokenExpiry } from "../imap/bye.js";
import { ImapClient } from "../imap/client.js";
import { LIMITS } from "../limits.js";
import type { FetchLogger } from "./log.js";
import { backoffDelay, sleep } from "./recovery.js";
import type { FetchServer } from "./types.js";

/** Re-issue IDLE well before RFC 2177's 29-minute limit (Exchange drops idle connections after ~30 min). */
export const IDLE_REISSUE_MS = 25 * 60_000;
const MAX_ERROR_BACKOFF_MS = 15 * 60_000;
/** After SIGTERM/SIGINT: how long DONE and LOGOUT may take before the IDLE connection is just closed. */
const STOP_GRACE_MS = 5000;
/** Token-expiry BYEs in a row (no IDLE in between that ended normally) that still count as re-logins, not failures. */
const MAX_EXPIRY_RELOGINS = 2;

export interface DaemonOptions {
  /** One fetch cycle over all accounts; returns true when every account succeeded. */
  cycle: () => Promise<boolean>;
  /** Wait this long between cycles (polling). */
  everyMs?: number;
  /** Wait for new mail with IDLE instead (IMAP). */
  idle?: IdleTarget;
  signal: AbortSignal;
  logger: FetchLogger;
  /** First delay after a failed cycle (default 5 s), doubled per failure, capped at 15 min. */
  errorBackoffMs?: number;
  idleReissueMs?: number;
}

export interface IdleTarget {
  server: FetchServer;
  /** The run's --timeout for login and EXAMINE (default LIMITS.timeouts). */
  timeouts?: { connectMs?: number; greetingMs?: number; commandMs?: number };
  account: string;
  folder: string;
  /** A token for the IDLE login; `forceRefresh` after the server said the last one expired. */
  getToken: (opts?: { forceRefresh?: boolean }) => Promise<string>;
}

/**
 * How long a session that logged in with a token expiring at `expMs` may run before it logs in again: until
 * LIMITS.tokenRefreshMarginMs before the expiry, or, for a token with less than four margins left, until a quarter
 * of its remaining life is left (a 30-second sandbox token: 22.5 s).
 */
export function reloginDelayMs(expMs: number, nowMs: number): number {
  const left = expMs - nowMs;
  return Math.max(0, left - Math.min(LIMITS.tokenRefreshMarginMs, left / 4));
}

/** The `exp` of a JWT access token in epoch ms, or undefined when it cannot be read (then no re-login timer). */
export function tokenExpiryMs(token: string): number | undefined {
  try {
    const exp = decodeClaims(token).claims.exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export async function runDaemon(o: DaemonOptions): Promise<void> {
  let failures = 0;
  let expiries = 0; // token-expiry BYEs in a row
  const reissueMs = o.idleReissueMs ?? IDLE_REISSUE_MS;
  while (!o.signal.aborted) {
    let watch: IdleWatch | undefined;
    let watchError: unknown;
    if (o.idle) {
      try {
        watch = await openIdleWatch(o.idle, o.signal, expiries > 0);
      } catch (err) {
        watchError = err; // reported after the cycle, which runs anyway
      }
    }
    let ok = false;
    try {
      ok = await o.cycle();
    } finally {
      if (o.signal.aborted || !ok) watch?.close(); // also when the cycle itself threw
    }
    if (o.signal.aborted) break;
    failures = ok ? 0 : failures + 1;
    if (failures > 0) {
      const delay = backoffDelay(o.errorBackoffMs ?? 5000, failures, MAX_ERROR_BACKOFF_MS);
      o.logger.log("warn", `cycle failed, next attempt in ${Math.round(delay / 1000)} s`, { failures });
      await sleep(delay, o.signal);
      continue;
    }
    if (o.idle) {
      try {
        if (!watch) throw watchError ?? new Error("no IDLE connection");
        const why = await watch.wait(o.signal, reissueMs);
        expiries = 0;
        o.logger.log("info", `IDLE ended: ${why}`);
      } catch (err) {
        const e = toXoauthError(err);
        if (isTokenExpiry(e) && ++expiries <= MAX_EXPIRY_RELOGINS) {
          o.logger.log("info", "the server ended the session: its token expired; logging in again with a new token", {
            reason: "token-expired",
          });
          continue;
        }
        failures++;
        const delay = backoffDelay(o.errorBackoffMs ?? 5000, failures, MAX_ERROR_BACKOFF_MS);
        o.logger.log("warn", `IDLE failed (${e.message}), retrying in ${Math.round(delay / 1000)} s`, {
          code: e.code,
        });
        await sleep(delay, o.signal);
      }
    } else {
      await sleep(o.everyMs ?? 300_000, o.signal);
    }
  }
  o.logger.log("info", "stopped");
}

/** A connection that watches the folder: opened before a fetch cycle, IDLEs after it. */
export interface IdleWatch {
  /**
   * IDLEs until new mail (anything that arrived since the watch was opened), the re-issue timer, the re-login before
   * the token expires, or the abort. Rejects with the token-expiry BYE (isTokenExpiry) if the server ends it first.
   */
  wait(signal: AbortSignal, reissueMs: number): Promise<string>;
  close(): void;
}

/**
 * Connects and EXAMINEs the folder. Opened BEFORE the cycle's fetch, so a message that arrives while the cycle runs or
 * between its end and the IDLE is not left waiting for the next re-issue: IDLE reports it at once (at worst one
 * extra cycle finds nothing new).
 */
export async function openIdleWatch(t: IdleTarget, signal: AbortSignal, forceRefresh = false): Promise<IdleWatch> {
  const ca = t.server.ca;
  const token = await t.getToken(forceRefresh ? { forceRefresh } : undefined);
  const expMs = tokenExpiryMs(token);
  const reloginAt = expMs === undefined ? undefined : Date.now() + reloginDelayMs(expMs, Date.now());
  const c = await ImapClient.connect({
    host: t.server.host,
    port: t.server.port,
    tls: t.server.tls,
    user: t.account,
    token,
    ...(ca ? { ca: Array.isArray(ca) ? ca : [ca] } : {}),
    ...(t.server.servername ? { servername: t.server.servername } : {}),
    // Login and EXAMINE with the normal timeouts (a stalled server must not hold the cycle); only the IDLE command
    // itself may be silent until its re-issue. No command runs while the cycle does, so no timer either.
    ...(t.timeouts ? { timeouts: t.timeouts } : {}),
  });
  try {
    if (signal.aborted) throw new XoauthError("CONNECTION_CLOSED", "stopping");
    await c.select(t.folder, true);
  } catch (err) {
    c.close();
    throw err;
  }
  return {
    async wait(signal, reissueMs) {
      let timer: NodeJS.Timeout | undefined;
      let hardStop: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      try {
        // Without IDLE (RFC 2177 is an extension) poll: wake up every minute and let the cycle look.
        const idle = c.capabilities.has("IDLE");
        const untilRelogin = reloginAt === undefined ? Number.POSITIVE_INFINITY : reloginAt - Date.now();
        const ms = Math.min(idle ? reissueMs : 60_000, untilRelogin);
        const why =
          ms === untilRelogin
            ? "the token expires soon: logging in again with a new one"
            : idle
              ? "re-issue"
              : "poll (the server offers no IDLE)";
        if (ms <= 0) {
          await c.logout();
          return why;
        }
        const stop = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve(why), ms);
          onAbort = () => {
            resolve("stopping");
            // A dead connection must not hold the shutdown for the command timeout: give DONE/LOGOUT a few seconds.
            hardStop = setTimeout(() => c.close(), STOP_GRACE_MS);
          };
          if (signal.aborted) onAbort();
          else signal.addEventListener("abort", onAbort, { once: true });
        });
        const ended = idle ? await c.idle(stop, ms + 60_000) : await stop;
        await c.logout();
        return ended;
      } catch (err) {
        if (signal.aborted) return "stopping";
        throw err;
      } finally {
        clearTimeout(timer);
        clearTimeout(hardStop);
        if (onAbort) signal.removeEventListener("abort", onAbort);
        c.close();
      }
    },
    close: () => c.close(),
  };
}
