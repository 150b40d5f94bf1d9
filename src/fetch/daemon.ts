/**
 * Daemon mode: `--every DURATION` polls; `--idle` waits with IMAP IDLE (RFC 2177) between fetches. IDLE is ended and
 * re-issued (on a fresh connection, with a token from the provider) before the server's ~30 min timeout. Failures back
 * off exponentially (capped) and are logged; an abort (SIGTERM/SIGINT) ends the loop after the current cycle.
 */
import { XoauthError } from "../errors.js";
import { backoffDelay, sleep } from "./engine.js";
import type { FetchLogger } from "./log.js";
import type { FetchServer } from "./types.js";

/** Re-issue IDLE well before RFC 2177's 29-minute limit (Exchange drops idle connections after ~30 min). */
export const IDLE_REISSUE_MS = 25 * 60_000;
const MAX_ERROR_BACKOFF_MS = 15 * 60_000;

/** `90s`, `5m`, `1h`, `1h30m`, `500ms`, or plain seconds. */
export function parseDuration(text: string): number {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const re = /(\d+)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2] as string;
    total += n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as "ms"];
    consumed += m[0].length;
  }
  if (consumed !== s.length || total <= 0) {
    throw new XoauthError("USAGE", `"${text}" is not a duration: use e.g. 30s, 5m, 1h.`);
  }
  return total;
}

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
  account: string;
  folder: string;
  getToken: () => Promise<string>;
}

export async function runDaemon(o: DaemonOptions): Promise<void> {
  let failures = 0;
  while (!o.signal.aborted) {
    const ok = await o.cycle();
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
        const why = await waitWithIdle(o.idle, o.signal, o.idleReissueMs ?? IDLE_REISSUE_MS);
        o.logger.log("info", `IDLE ended: ${why}`);
      } catch (err) {
        failures++;
        const delay = backoffDelay(o.errorBackoffMs ?? 5000, failures, MAX_ERROR_BACKOFF_MS);
        o.logger.log("warn", `IDLE failed (${(err as Error).message}), retrying in ${Math.round(delay / 1000)} s`);
        await sleep(delay, o.signal);
      }
    } else {
      await sleep(o.everyMs ?? 300_000, o.signal);
    }
  }
  o.logger.log("info", "stopped");
}

/** Connects, EXAMINEs the folder and IDLEs until new mail (EXISTS), the re-issue timer, or the abort. */
export async function waitWithIdle(t: IdleTarget, signal: AbortSignal, reissueMs: number): Promise<string> {
  const { connectImap } = await import("../imap/session.js"); // imapflow only for --idle
  const s = await connectImap({
    host: t.server.host,
    port: t.server.port,
    tls: t.server.tls,
    user: t.account,
    token: await t.getToken(),
    ...(t.server.ca ? { ca: t.server.ca } : {}),
    ...(t.server.servername ? { servername: t.server.servername } : {}),
    // socket inactivity must not end the IDLE before the re-issue timer does
    timeouts: { commandMs: reissueMs + 60_000 },
  });
  const c = s.client;
  try {
    const mb = await c.mailboxOpen(t.folder, { readOnly: true });
    const known = mb.exists;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const why = await new Promise<string>((resolve, reject) => {
      c.on("exists", (e: { count: number }) => {
        if (e.count > known) resolve("new mail");
      });
      c.on("close", () => reject(new XoauthError("CONNECTION_CLOSED", "the server closed the IDLE connection")));
      timer = setTimeout(() => resolve("re-issue"), reissueMs);
      onAbort = () => resolve("stopping");
      signal.addEventListener("abort", onAbort, { once: true });
      c.idle().catch(reject);
    });
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
    return why;
  } finally {
    s.close();
  }
}
