/**
 * Structured proxy logs. Never carries message content, passwords or tokens: only the fields below. User names and
 * server replies come from the network: they are cut to a bounded length, and text logs escape control characters
 * (so an ESC sequence in a user name cannot reach the admin's terminal) and quote values that could fake a field.
 */
import { redact } from "../log/redact.js";
import { escapeControl } from "../log/sanitize.js";

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

/** Longest user name and message written to a log line (characters). */
const MAX_USER = 256;
const MAX_MESSAGE = 1000;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** A `key=value` value for text logs: escaped, and quoted when it holds a space, a quote, `=` or nothing. */
function textValue(v: string | number): string {
  if (typeof v === "number") return String(v);
  const s = escapeControl(v);
  return s === "" || /[\s"=]/.test(s) ? `"${s.replace(/"/g, '\\"')}"` : s;
}

/** A logger writing one line per record to `write` (stderr by default), redacted at the sink. */
export function createProxyLogger(format: LogFormat, write: (line: string) => void): ProxyLogger {
  return (rec) => {
    const full: ProxyLogRecord = { ts: new Date().toISOString(), ...rec };
    if (full.user !== undefined) full.user = cut(full.user, MAX_USER);
    if (full.message !== undefined) full.message = cut(redact(full.message), MAX_MESSAGE);
    if (format === "json") {
      write(`${JSON.stringify(full)}\n`);
      return;
    }
    const { ts, level, event, message, ...rest } = full;
    const kv = Object.entries(rest)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${textValue(v)}`)
      .join(" ");
    const msg = message ? ` - ${escapeControl(message)}` : "";
    write(`${ts} ${level.toUpperCase()} ${escapeControl(event)}${kv ? ` ${kv}` : ""}${msg}\n`);
  };
}
