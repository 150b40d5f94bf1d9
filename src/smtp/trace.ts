/** Adapter from nodemailer's bunyan-style logger to our redacted transcript, with the phase timestamps of a login. */
import { format } from "node:util";
import { redact } from "../log/redact.js";
import type { TraceFn } from "../net/types.js";

type LogFn = (entry: unknown, message?: unknown, ...args: unknown[]) => void;

export interface SmtpObserver {
  /** nodemailer `logger` option (use with `debug: true`). */
  logger: Record<"trace" | "debug" | "info" | "warn" | "error" | "fatal", LogFn>;
  connectedAt?: number;
  greetingAt?: number;
  starttlsAt?: number;
  tlsUpAt?: number;
  /** The last multi-line EHLO reply seen before `AUTH` was sent. */
  ehloBeforeAuth?: string;
  /** Labels for the next client lines nodemailer masks as `/* secret *\/` (set by the XOAUTH2 handler). */
  maskedLabels: string[];
}

export function createSmtpObserver(onTrace: TraceFn | undefined, now: () => number = Date.now): SmtpObserver {
  const obs = { logger: {}, maskedLabels: [] as string[] } as SmtpObserver;
  let authSent = false;
  const handle: LogFn = (entry, message, ...args) => {
    const tnx = entry && typeof entry === "object" ? (entry as { tnx?: unknown }).tnx : undefined;
    const text = message === undefined ? "" : format(String(message), ...args);
    if (tnx === "server") {
      obs.greetingAt ??= now();
      if (!authSent && /^250-/.test(text)) obs.ehloBeforeAuth = text;
      for (const line of text.split(/\r?\n/)) if (line) onTrace?.({ dir: "s", line: redact(line) });
      return;
    }
    if (tnx === "client") {
      if (/^STARTTLS\b/i.test(text)) obs.starttlsAt ??= now();
      if (/^AUTH\b/i.test(text)) authSent = true;
      // nodemailer masks every custom-auth line but `AUTH x` as `/* secret */`; the handler says what each was.
      const line = text === "/* secret */" ? (obs.maskedLabels.shift() ?? text) : text;
      onTrace?.({ dir: "c", line: redact(line) });
      return;
    }
    if (tnx === "network" && /established|connected/i.test(text)) obs.connectedAt ??= now();
    if (/upgraded with STARTTLS/i.test(text)) obs.tlsUpAt ??= now();
    if (text && tnx !== "message") onTrace?.({ dir: "info", line: redact(text) });
  };
  for (const level of ["trace", "debug", "info", "warn", "error", "fatal"] as const) obs.logger[level] = handle;
  return obs;
}
