/** Structured proxy logs. Never carries message content, passwords or tokens: only the fields below. */
import { redact } from "../log/redact.js";

export interface ProxyLogRecord {
  ts?: string;
  level: "info" | "warn" | "error";
  session?: string;
  listener?: string;
  protocol?: string;
  user?: string;
  account?: string;
  event: string;
  bytesUp?: number;
  bytesDown?: number;
  outcome?: string;
  code?: string;
  message?: string;
}

export type ProxyLogger = (rec: ProxyLogRecord) => void;

export type LogFormat = "text" | "json";

/** A logger writing one line per record to `write` (stderr by default), redacted at the sink. */
export function createProxyLogger(format: LogFormat, write: (line: string) => void): ProxyLogger {
  return (rec) => {
    const full: ProxyLogRecord = { ts: new Date().toISOString(), ...rec };
    if (full.message !== undefined) full.message = redact(full.message);
    if (format === "json") {
      write(`${JSON.stringify(full)}\n`);
      return;
    }
    const { ts, level, event, message, ...rest } = full;
    const kv = Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === "string" && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
      .join(" ");
    write(`${ts} ${level.toUpperCase()} ${event}${kv ? ` ${kv}` : ""}${message ? ` - ${message}` : ""}\n`);
  };
}
