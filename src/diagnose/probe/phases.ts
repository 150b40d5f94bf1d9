/**
 * Phase timestamps of a login done in ONE library call (nodemailer for SMTP; IMAP runs step by step now), read from the
 * redacted transcript events both emit: connection established, first server line (greeting), STARTTLS sent, TLS up,
 * AUTH sent. On failure the steps before the failing one are shown with their real times; a boundary the transcript
 * did not show is reported as "not measured separately", never as a made-up 0 ms.
 */
import type { XoauthError } from "../../errors.js";
import type { ServerTlsMode, TraceEvent } from "../../net/types.js";
import { diagUi } from "../text.js";
import type { StepId } from "../types.js";
import type { StepRecorder } from "./recorder.js";
import type { ProbeOptions } from "./types.js";

export interface PhaseTimes {
  started: number;
  connectedAt?: number;
  greetingAt?: number;
  starttlsAt?: number;
  tlsUpAt?: number;
  authSentAt?: number;
  /** First server line, e.g. `220 ... ESMTP` or `* OK ... IMAP4rev1`. */
  greetingLine?: string;
  /** SASL mechanisms last announced (EHLO `AUTH ...` or IMAP `AUTH=...`). */
  mechanisms?: string[];
}

export class PhaseTracker {
  readonly times: PhaseTimes;

  constructor(private readonly now: () => number = Date.now) {
    this.times = { started: now() };
  }

  /** Feed every transcript event here (then forward it to the user's trace, if any). */
  observe(e: TraceEvent): void {
    const t = this.times;
    const line = e.line;
    if (e.dir === "info") {
      if (/established/i.test(line) && !/TLS session/i.test(line)) t.connectedAt ??= this.now();
      if (t.starttlsAt !== undefined && /upgraded with STARTTLS|TLS session/i.test(line)) t.tlsUpAt ??= this.now();
      return;
    }
    if (e.dir === "s") {
      if (t.greetingAt === undefined) {
        t.greetingAt = this.now();
        t.greetingLine = line;
      }
      const smtpAuth = /^250[- ]AUTH[ =](.*)$/i.exec(line);
      if (smtpAuth?.[1]) t.mechanisms = smtpAuth[1].trim().split(/\s+/);
      const imapAuth = line.match(/\bAUTH=([^\s\]]+)/gi);
      if (imapAuth && /CAPABILITY/i.test(line)) t.mechanisms = imapAuth.map((m) => m.slice(5));
      return;
    }
    if (/^(\S+ )?STARTTLS\b/i.test(line)) t.starttlsAt ??= this.now();
    else if (/^(\S+ )?AUTH(ENTICATE)?\b/i.test(line)) t.authSentAt ??= this.now();
  }
}

const LOGIN_STEPS: StepId[] = ["connect", "tls", "greeting", "auth"];

/** Start and end of one login step, when the transcript showed both. */
function span(t: PhaseTimes, id: StepId, implicit: boolean): number | undefined {
  const d = (a?: number, b?: number) => (a !== undefined && b !== undefined && b >= a ? b - a : undefined);
  switch (id) {
    case "connect":
      return d(t.started, t.connectedAt);
    case "tls":
      return implicit ? undefined : d(t.starttlsAt, t.tlsUpAt);
    case "greeting": {
      // greeting + capabilities: before STARTTLS, and again after it up to AUTH
      if (implicit) return d(t.connectedAt, t.authSentAt);
      const before = d(t.connectedAt, t.starttlsAt);
      const after = d(t.tlsUpAt, t.authSentAt);
      return before !== undefined && after !== undefined ? before + after : undefined;
    }
    default:
      return undefined;
  }
}

export interface PassedDetails {
  connect: string;
  /** The connect step when implicit TLS failed after it: TCP only, never "incl. TLS". */
  tcp: string;
  tls: string;
  greeting: string;
}

/**
 * Records the login steps that passed before `failedAt` (all four when undefined and `authMs` is given):
 * measured ones with their time, the rest as not measured separately.
 */
export function recordLoginSteps(
  rec: StepRecorder,
  t: PhaseTimes,
  implicit: boolean,
  details: PassedDetails,
  upTo: StepId,
): void {
  const end = LOGIN_STEPS.indexOf(upTo);
  for (const id of LOGIN_STEPS.slice(0, end < 0 ? LOGIN_STEPS.length : end)) {
    if (id === "auth") continue;
    const detail = id === "connect" && upTo === "tls" ? details.tcp : details[id as keyof PassedDetails];
    const ms = span(t, id, implicit);
    if (ms === undefined) rec.unmeasured(id, detail);
    else rec.add(id, true, ms, detail);
  }
}

/** When the failing step started: the end of the last phase seen before it. */
export function failedStepStart(t: PhaseTimes, at: StepId, implicit: boolean): number {
  switch (at) {
    case "connect":
      return t.started;
    case "tls":
      return t.starttlsAt ?? t.connectedAt ?? t.started;
    case "greeting":
      return (implicit ? t.connectedAt : t.tlsUpAt) ?? t.connectedAt ?? t.started;
    case "auth":
      return t.authSentAt ?? t.started;
    default:
      return t.started;
  }
}

/** Details of the connect, TLS and greeting steps, from what the transcript showed (IMAP, SMTP, `send`). */
export function loginDetails(host: string, port: number, tls: ServerTlsMode, t: PhaseTimes): PassedDetails {
  return {
    connect: tls === "implicit" ? diagUi("step.detail.connectInclTls", { host, port }) : `${host}:${port}`,
    tcp: `${host}:${port}`,
    tls: diagUi("step.detail.tlsTrusted", { mode: diagUi(`tls.${tls}`) }),
    greeting: t.mechanisms ? `AUTH ${t.mechanisms.join(" ")}` : (t.greetingLine ?? "").slice(0, 60),
  };
}

/** The step of a login failure whose code says it alike for IMAP and SMTP; undefined when the protocol decides. */
export function commonFailedStep(err: XoauthError): StepId | undefined {
  switch (err.code) {
    case "TLS_UNTRUSTED":
    case "TLS_HOSTNAME_MISMATCH":
      return "tls";
    case "XOAUTH2_NOT_OFFERED":
      return "greeting";
    case "MAILBOX_ACCESS_DENIED":
      return "auth";
    case "MAIL_SERVER_UNREACHABLE":
      return "connect";
    default:
      return undefined;
  }
}

/** Where and as whom a probe logs in: target, TLS mode, mailbox, token and extra CAs (every protocol's client). */
export function loginTarget(o: ProbeOptions) {
  return { host: o.host, port: o.port, tls: o.tls, user: o.mailbox, token: o.token, ...(o.ca ? { ca: o.ca } : {}) };
}

/**
 * The connection options the IMAP and SMTP login libraries share: target, mailbox, token, CAs, the one `--timeout`
 * for every phase, and a transcript hook that feeds `phases` and forwards sent/received lines to the user's trace.
 */
export function tracedLoginOptions(o: ProbeOptions, phases: PhaseTracker) {
  return {
    ...loginTarget(o),
    ...(o.timeoutMs ? { timeouts: { connectMs: o.timeoutMs, greetingMs: o.timeoutMs, commandMs: o.timeoutMs } } : {}),
    onTrace: (e: TraceEvent): void => {
      phases.observe(e);
      if (e.dir !== "info") o.onTrace?.(e);
    },
  };
}
