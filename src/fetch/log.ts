/** Fetch logs on stderr for people (`text`) or log collectors (`json`, one object per line). Secrets redacted. */
import { redact } from "../log/redact.js";
import { formatBytes } from "./progress.js";
import type { FetchEvent } from "./types.js";

export type LogFormat = "text" | "json";
export type LogLevel = "info" | "warn" | "error";

export interface FetchLogger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(format: LogFormat, write: (s: string) => void): FetchLogger {
  return {
    log(level, msg, fields = {}) {
      if (format === "json") {
        write(`${redact(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }))}\n`);
      } else {
        const extra = Object.entries(fields)
          .filter(([k, v]) => k !== "account" && v !== undefined) // as JSON.stringify leaves them out
          .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
          .join(" ");
        const who = fields.account ? `${String(fields.account)}: ` : "";
        write(redact(`${new Date().toISOString()} ${level.padEnd(5)} ${who}${msg}${extra ? ` ${extra}` : ""}\n`));
      }
    },
  };
}

/** Which engine events are worth a log line (verbose adds one line per message). */
export function logEvent(logger: FetchLogger, account: string, e: FetchEvent, verbose: boolean): void {
  switch (e.type) {
    case "retry":
      if (e.reason === "token-expired") {
        logger.log("info", "the server ended the session: its token expired; logging in again with a new token", {
          account,
          reason: e.reason,
        });
        break;
      }
      logger.log("warn", `connection failed (${e.code}), reconnecting in ${e.delayMs} ms`, {
        account,
        attempt: e.attempt,
        error: e.message,
      });
      break;
    case "uidvalidity":
      logger.log(
        "warn",
        "UIDVALIDITY changed: the server renumbered the folder; old state set aside, messages already delivered are recognised by Message-ID + size",
        { account, previous: e.previous, current: e.current },
      );
      break;
    case "warning":
      logger.log("warn", e.message, { account });
      break;
    case "hook":
      if (!e.ok || verbose)
        logger.log(e.ok ? "info" : "warn", `hook ${e.ok ? "ok" : "failed"}: ${e.detail}`, { account, id: e.id });
      break;
    case "message":
      if (verbose) logger.log("info", `delivered ${formatBytes(e.bytes)}`, { account, id: e.id, path: e.path });
      break;
    case "deleted":
      if (verbose) logger.log("info", `deleted ${e.count} on the server`, { account });
      break;
    default:
      break;
  }
}
