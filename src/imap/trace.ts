/**
 * Adapter from imapflow's pino-style logger (objects `{src, msg, ...}`) to our redacted transcript, plus the
 * bookkeeping `test` needs: phase timestamps, the capabilities seen before authentication, the last tagged reply.
 */
import { redact } from "../log/redact.js";
import type { TraceFn } from "./types.js";

interface LogEntry {
  src?: string;
  msg?: string;
  [k: string]: unknown;
}

export interface ImapObserver {
  /** imapflow `logger` option. */
  logger: Record<"trace" | "debug" | "info" | "warn" | "error" | "fatal", (entry: unknown) => void> & {
    /** imapflow serializes every response for its log unless told the level is off (FETCH responses log at trace). */
    isLevelEnabled(level: string): boolean;
  };
  connectedAt?: number;
  greetingAt?: number;
  starttlsAt?: number;
  tlsUpAt?: number;
  authSentAt?: number;
  authDoneAt?: number;
  preAuthCapabilities: string[];
  /** The last tagged server reply without its tag, e.g. `NO [AUTHENTICATIONFAILED] Authentication failed.` */
  lastTagged?: string;
}

/** `* CAPABILITY ...` (RFC 3501 §7.2.1) or a `[CAPABILITY ...]` response code (§7.1) — not `OK CAPABILITY completed`. */
const CAPA_RE = /^\* CAPABILITY ([^\r\n]*)|\[CAPABILITY ([^\]]*)\]/i;
const TAGGED_RE = /^([A-Za-z0-9.]+) (OK|NO|BAD)\b ?(.*)$/;

export function createImapObserver(onTrace: TraceFn | undefined, now: () => number = Date.now): ImapObserver {
  const obs: ImapObserver = { preAuthCapabilities: [], logger: undefined as unknown as ImapObserver["logger"] };
  let pendingAuthTag: string | undefined;
  let pendingStarttlsTag: string | undefined;

  const handle = (raw: unknown) => {
    if (!raw || typeof raw !== "object") return;
    const e = raw as LogEntry;
    const msg = typeof e.msg === "string" ? e.msg : "";
    if (e.src === "s") {
      if (obs.greetingAt === undefined) obs.greetingAt = now();
      const capa = CAPA_RE.exec(msg);
      const capaList = capa?.[1] ?? capa?.[2];
      if (capaList && obs.authSentAt === undefined) obs.preAuthCapabilities = capaList.trim().split(/\s+/);
      const tagged = TAGGED_RE.exec(msg);
      if (tagged) {
        obs.lastTagged = `${tagged[2]}${tagged[3] ? ` ${tagged[3]}` : ""}`;
        if (tagged[1] === pendingAuthTag && tagged[2] === "OK") obs.authDoneAt = now();
        if (tagged[1] === pendingStarttlsTag && tagged[2] === "OK") obs.starttlsAt ??= now();
      }
      onTrace?.({ dir: "s", line: redact(msg) });
    } else if (e.src === "c") {
      const m = /^([A-Za-z0-9.]+) (AUTHENTICATE|STARTTLS)\b/i.exec(msg);
      if (m?.[2]?.toUpperCase() === "AUTHENTICATE") {
        pendingAuthTag = m[1];
        obs.authSentAt = now();
      } else if (m?.[2]) {
        pendingStarttlsTag = m[1];
      }
      // imapflow already hides credentials as "(* value hidden *)"; redact() catches anything else.
      onTrace?.({ dir: "c", line: redact(msg) });
    } else if (e.src === "connection" && /Established/.test(msg)) {
      obs.connectedAt ??= now();
      onTrace?.({ dir: "info", line: redact(msg) });
    } else if (e.src === "tls" || /TLS|STARTTLS/.test(msg)) {
      if (pendingStarttlsTag && /[Ee]stablished|upgraded/.test(msg)) obs.tlsUpAt ??= now();
      onTrace?.({ dir: "info", line: redact(msg) });
    }
  };
  const ignore = () => {};
  obs.logger = {
    trace: ignore,
    debug: handle,
    info: handle,
    warn: handle,
    error: handle,
    fatal: handle,
    isLevelEnabled: (level) => level !== "trace",
  };
  return obs;
}
