/**
 * Typed errors with stable codes. A code is public API (`--json`, exit codes, the diagnosis engine):
 * adding one is fine, renaming or removing one is a breaking change.
 */
import { redact } from "./log/redact.js";

/** Every stable error / diagnosis code xoauth-mail can report. */
export const ERROR_CODES = [
  // token stage (identity platform)
  "TENANT_NOT_FOUND",
  "TENANT_INVALID",
  "WRONG_CLOUD",
  "APP_NOT_FOUND",
  "CLIENT_SECRET_INVALID",
  "CLIENT_SECRET_EXPIRED",
  "CLIENT_CREDENTIAL_MISSING",
  "CERTIFICATE_INVALID",
  "CLOCK_SKEW",
  "SCOPE_INVALID",
  "RESOURCE_NOT_FOUND",
  "APP_DISABLED",
  "CONDITIONAL_ACCESS_BLOCKED",
  "THROTTLED",
  "TOKEN_ENDPOINT_UNREACHABLE",
  "TOKEN_ENDPOINT_ERROR",
  // network / TLS (token endpoint or mail server)
  "TLS_UNTRUSTED",
  "TLS_HOSTNAME_MISMATCH",
  "MAIL_SERVER_UNREACHABLE",
  "TIMEOUT",
  "SERVER_BUSY",
  // token content
  "PERMISSION_MISSING",
  "WRONG_AUDIENCE",
  "TOKEN_EXPIRED",
  // mail server
  "XOAUTH2_NOT_OFFERED",
  "MAILBOX_ACCESS_DENIED",
  "MAILBOX_NOT_CONNECTED",
  "SMTP_AUTH_DISABLED",
  "SEND_AS_DENIED",
  "PROTOCOL_ERROR",
  "LIMIT_EXCEEDED",
  "CONNECTION_CLOSED",
  // Microsoft Graph (docs/graph.md)
  "GRAPH_PERMISSION_MISSING",
  "GRAPH_MAILBOX_OUT_OF_SCOPE",
  "MAILBOX_NOT_FOUND",
  "FOLDER_NOT_FOUND",
  "MESSAGE_TOO_LARGE",
  "SYNC_STATE_EXPIRED",
  "GRAPH_ERROR",
  // local
  "CONFIG_INVALID",
  "USAGE",
  "STORE_ERROR",
  "EXEC_FAILED",
  "UIDVALIDITY_CHANGED",
  "UNEXPECTED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Failure classes, each with its own process exit code (documented in --help and README). */
export type ErrorClass = "usage" | "identity" | "mailserver" | "network" | "unexpected" | "local";

export const EXIT_CODES: Record<ErrorClass | "ok", number> = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  identity: 3,
  mailserver: 4,
  network: 5,
  local: 6,
};

const CLASS_OF: Record<ErrorCode, ErrorClass> = {
  TENANT_NOT_FOUND: "identity",
  TENANT_INVALID: "identity",
  WRONG_CLOUD: "identity",
  APP_NOT_FOUND: "identity",
  CLIENT_SECRET_INVALID: "identity",
  CLIENT_SECRET_EXPIRED: "identity",
  CLIENT_CREDENTIAL_MISSING: "identity",
  CERTIFICATE_INVALID: "identity",
  CLOCK_SKEW: "identity",
  SCOPE_INVALID: "identity",
  RESOURCE_NOT_FOUND: "identity",
  APP_DISABLED: "identity",
  CONDITIONAL_ACCESS_BLOCKED: "identity",
  THROTTLED: "identity",
  TOKEN_ENDPOINT_ERROR: "identity",
  PERMISSION_MISSING: "identity",
  WRONG_AUDIENCE: "identity",
  TOKEN_EXPIRED: "identity",
  TOKEN_ENDPOINT_UNREACHABLE: "network",
  TLS_UNTRUSTED: "network",
  TLS_HOSTNAME_MISMATCH: "network",
  MAIL_SERVER_UNREACHABLE: "network",
  TIMEOUT: "network",
  SERVER_BUSY: "network",
  CONNECTION_CLOSED: "network",
  XOAUTH2_NOT_OFFERED: "mailserver",
  MAILBOX_ACCESS_DENIED: "mailserver",
  MAILBOX_NOT_CONNECTED: "mailserver",
  SMTP_AUTH_DISABLED: "mailserver",
  SEND_AS_DENIED: "mailserver",
  PROTOCOL_ERROR: "mailserver",
  LIMIT_EXCEEDED: "mailserver",
  UIDVALIDITY_CHANGED: "mailserver",
  GRAPH_PERMISSION_MISSING: "identity",
  GRAPH_MAILBOX_OUT_OF_SCOPE: "mailserver",
  MAILBOX_NOT_FOUND: "mailserver",
  FOLDER_NOT_FOUND: "mailserver",
  MESSAGE_TOO_LARGE: "mailserver",
  SYNC_STATE_EXPIRED: "mailserver",
  GRAPH_ERROR: "mailserver",
  CONFIG_INVALID: "usage",
  USAGE: "usage",
  STORE_ERROR: "local",
  EXEC_FAILED: "local",
  UNEXPECTED: "unexpected",
};

/**
 * Failures that can go away by themselves: the same request, later (on a new connection, with a new token), can work.
 * Everything else is permanent: it fails again until someone changes the setup. The one place that decides; the
 * proxy answers its client by it, and the Exchange behaviour table (src/exchange/contract.ts) gives every temporary
 * reply one of these codes (a test checks that they agree).
 */
const TEMPORARY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "THROTTLED",
  "TOKEN_ENDPOINT_UNREACHABLE",
  "MAIL_SERVER_UNREACHABLE",
  "TIMEOUT",
  "SERVER_BUSY",
  "CONNECTION_CLOSED",
  "TOKEN_EXPIRED",
  "SYNC_STATE_EXPIRED",
]);

/** Whether retrying later can succeed without anyone changing the setup (see TEMPORARY_CODES). */
export function isTemporaryCode(code: ErrorCode): boolean {
  return TEMPORARY_CODES.has(code);
}

export function errorClassOf(code: ErrorCode): ErrorClass {
  return CLASS_OF[code];
}

export function exitCodeOf(code: ErrorCode): number {
  return EXIT_CODES[CLASS_OF[code]];
}

export interface XoauthErrorDetails {
  /** AADSTS number from the identity platform, when there is one. */
  aadsts?: number;
  traceId?: string;
  correlationId?: string;
  /** The command that failed (redacted), e.g. `AUTH XOAUTH2`. */
  command?: string;
  /** The server's reply line(s) that caused the error (never containing secrets). */
  serverReply?: string;
  /** HTTP status from the token endpoint. */
  httpStatus?: number;
  /** Values used to fill the fix text (tenantId, clientId, mailbox, oid, ...). */
  params?: Record<string, string | number | undefined>;
}

/**
 * The one error type of xoauth-mail. `message` is one sentence of what happened; `why` the likely cause;
 * `fix` the exact next steps. User-facing text comes from the message catalog (src/i18n) by code.
 */
export class XoauthError extends Error {
  readonly code: ErrorCode;
  readonly details: XoauthErrorDetails;
  why: string | undefined;
  fix: string[];

  constructor(
    code: ErrorCode,
    message: string,
    opts: { cause?: unknown; why?: string; fix?: string[]; details?: XoauthErrorDetails } = {},
  ) {
    // Messages and server replies often quote a server, which may echo (part of) a token: redacted here already, so
    // library callers who log `err.message` are as safe as the CLI's output.
    super(redact(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "XoauthError";
    this.code = code;
    this.why = opts.why;
    this.fix = opts.fix ?? [];
    const details = opts.details ?? {};
    this.details = details.serverReply ? { ...details, serverReply: redact(details.serverReply) } : details;
  }

  get exitCode(): number {
    return exitCodeOf(this.code);
  }
}

export function isXoauthError(err: unknown): err is XoauthError {
  return err instanceof XoauthError;
}

/** Wraps anything thrown into an XoauthError (UNEXPECTED unless it already is one). */
export function toXoauthError(err: unknown): XoauthError {
  if (err instanceof XoauthError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new XoauthError("UNEXPECTED", message, { cause: err });
}
