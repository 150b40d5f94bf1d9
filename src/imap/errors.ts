/** Maps imapflow / socket failures to XoauthError codes (replies: src/exchange/contract.ts). Pure: no I/O. */
import { XoauthError } from "../errors.js";
import { classifyReply } from "../exchange/contract.js";
import { redact } from "../log/redact.js";
import { mapNetworkError, nodeErrorCode, TLS_UNTRUSTED_CODES } from "../net/errors.js";

/**
 * Exchange's answer to LIST/SELECT when the service principal has no access or IMAP is off for the mailbox (the
 * table's `not-connected` reply, src/exchange/contract.ts; for callers that test a raw line).
 */
export const NOT_CONNECTED_RE = /User is authenticated but not connected/i;

export interface ImapErrorContext {
  host: string;
  port: number;
  /** The mailbox (XOAUTH2 user). */
  user: string;
  /** The command that was running, e.g. `AUTHENTICATE XOAUTH2`, `LIST`, `EXAMINE INBOX`. */
  command: string;
  /** Last tagged server reply seen, without tag. */
  lastTagged?: string;
  /** Capabilities the server advertised before authentication. */
  capabilities?: string[];
  /** Whether the server greeting arrived (failures before it are network failures). */
  greeted?: boolean;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  ...TLS_UNTRUSTED_CODES,
]);
const TIMEOUT_CODES = new Set(["CONNECT_TIMEOUT", "GREETING_TIMEOUT", "UPGRADE_TIMEOUT", "ETIMEOUT"]);
const CLOSED_CODES = new Set(["NoConnection", "EConnectionClosed", "ClosedAfterConnectText", "ClosedAfterConnectTLS"]);
const LIMIT_CODES = new Set([
  "LineTooLarge",
  "LiteralTooLarge",
  "ResponseTooLarge",
  "TooManyTokens",
  "TooManyResponses",
]);

/** Whether imapflow failed the connection because the server exceeded one of our bounds. */
export function isLimitError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && LIMIT_CODES.has(code);
}

interface ImapflowError {
  message?: string;
  code?: string;
  response?: unknown;
  responseStatus?: string;
  responseText?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  oauthError?: unknown;
  tlsFailed?: boolean;
  name?: string;
}

function replyOf(e: ImapflowError, ctx: ImapErrorContext): string | undefined {
  if (ctx.lastTagged && /^(NO|BAD)\b/.test(ctx.lastTagged)) return redact(ctx.lastTagged);
  const text = typeof e.response === "string" ? e.response : typeof e.responseText === "string" ? e.responseText : "";
  return text ? redact(text) : undefined;
}

/** A typed error for any failure of an IMAP connect / command. */
export function mapImapError(err: unknown, ctx: ImapErrorContext): XoauthError {
  if (err instanceof XoauthError) return err;
  const e = (err ?? {}) as ImapflowError;
  const msg = typeof e.message === "string" ? e.message : String(err);
  const where = `${ctx.host}:${ctx.port}`;
  const serverReply = replyOf(e, ctx);
  const base = {
    command: ctx.command,
    serverReply,
    params: { host: ctx.host, port: String(ctx.port), mailbox: ctx.user },
  };

  // the server's NO/BAD text, classified with the Exchange table: not-connected, or a temporary refusal
  const row = serverReply ? classifyReply("imap", undefined, serverReply) : undefined;
  // (imapflow's responseText has no status word, which the table's matchers need: hence the plain text test too)
  if (row?.id === "not-connected" || (serverReply && NOT_CONNECTED_RE.test(serverReply))) {
    return new XoauthError(
      "MAILBOX_NOT_CONNECTED",
      `${where} accepted the token for ${ctx.user} but then refused access to the mailbox (${ctx.command}).`,
      { cause: err, details: base },
    );
  }
  if (row?.code === "SERVER_BUSY") {
    return new XoauthError(
      "SERVER_BUSY",
      `${where} refused ${ctx.command} for now (connection limit reached or server busy): ${serverReply}`,
      { cause: err, details: base },
    );
  }
  if (e.authenticationFailed || e.name === "AuthenticationFailure") {
    const json = e.oauthError && typeof e.oauthError === "object" ? ` ${JSON.stringify(e.oauthError)}` : "";
    return new XoauthError("MAILBOX_ACCESS_DENIED", `${where} rejected XOAUTH2 login for ${ctx.user}.${json}`, {
      cause: err,
      details: base,
    });
  }
  if (/Unsupported authentication mechanism/i.test(msg)) {
    const capa = ctx.capabilities?.length ? ctx.capabilities.join(" ") : undefined;
    return new XoauthError("XOAUTH2_NOT_OFFERED", `${where} does not offer AUTH=XOAUTH2.`, {
      cause: err,
      details: { ...base, serverReply: capa ? `CAPABILITY ${capa}` : serverReply },
    });
  }
  const code = nodeErrorCode(err);
  // imapflow marks every failed upgrade `tlsFailed`: a refused certificate or a reset keeps its Node code (below);
  // only an upgrade that never started (no STARTTLS capability, NO reply, PREAUTH) is the server's fault.
  if (e.tlsFailed && !(code && (NETWORK_CODES.has(code) || TIMEOUT_CODES.has(code)))) {
    return new XoauthError("PROTOCOL_ERROR", `STARTTLS failed on ${where}: ${redact(msg)}`, {
      cause: err,
      details: { ...base, command: "STARTTLS" },
    });
  }
  if (code && NETWORK_CODES.has(code)) return mapNetworkError(err, "mail-server", ctx.host, ctx.port);
  if (code && TIMEOUT_CODES.has(code)) {
    return new XoauthError("TIMEOUT", `${where} did not answer in time (${code}).`, { cause: err, details: base });
  }
  if (code && CLOSED_CODES.has(code)) {
    return new XoauthError("CONNECTION_CLOSED", `${where} closed the connection during ${ctx.command}.`, {
      cause: err,
      details: base,
    });
  }
  if (code && LIMIT_CODES.has(code)) {
    return new XoauthError("LIMIT_EXCEEDED", `${where} sent more than we accept (${code}).`, {
      cause: err,
      details: base,
    });
  }
  if (serverReply || e.responseStatus) {
    return new XoauthError("PROTOCOL_ERROR", `${where} refused ${ctx.command}: ${serverReply ?? msg}`, {
      cause: err,
      details: base,
    });
  }
  if (/^E[A-Z]+$/.test(code ?? "") || (!code && !ctx.greeted)) {
    return mapNetworkError(err, "mail-server", ctx.host, ctx.port);
  }
  return new XoauthError("PROTOCOL_ERROR", `IMAP error from ${where} during ${ctx.command}: ${redact(msg)}`, {
    cause: err,
    details: base,
  });
}
