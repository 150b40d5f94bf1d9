/**
 * Maps a failed IMAP command (its tagged NO/BAD reply, or a socket failure) to an XoauthError code. Pure: no I/O.
 * Exchange's replies and where they surface: src/exchange/contract.ts, docs/exchange-behaviour.md.
 */
import { XoauthError } from "../errors.js";
import { classifyReply } from "../exchange/contract.js";
import { redact } from "../log/redact.js";
import { mapNetworkError, nodeErrorCode } from "../net/errors.js";

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
  /** The decoded XOAUTH2 error continuation (RFC 7628 §3.2.2 JSON) the server sent before its NO, if any. */
  saslError?: unknown;
}

/**
 * A typed error for a failed IMAP command: `err` is the failure (an XoauthError is kept as it is), or undefined
 * when the command ended with the NO/BAD in `ctx.lastTagged`.
 */
export function mapImapError(err: unknown, ctx: ImapErrorContext): XoauthError {
  if (err instanceof XoauthError) return err;
  const where = `${ctx.host}:${ctx.port}`;
  const serverReply = ctx.lastTagged && /^(NO|BAD)\b/.test(ctx.lastTagged) ? redact(ctx.lastTagged) : undefined;
  const base = {
    command: ctx.command,
    serverReply,
    params: { host: ctx.host, port: String(ctx.port), mailbox: ctx.user },
  };
  const cause = err === undefined ? {} : { cause: err };

  // the server's NO/BAD text, classified with the Exchange table: not-connected, or a temporary refusal
  const row = serverReply ? classifyReply("imap", undefined, serverReply) : undefined;
  // (a reply text handed over without its status word still matches the plain not-connected test)
  if (row?.id === "not-connected" || (serverReply && NOT_CONNECTED_RE.test(serverReply))) {
    return new XoauthError(
      "MAILBOX_NOT_CONNECTED",
      `${where} accepted the token for ${ctx.user} but then refused access to the mailbox (${ctx.command}).`,
      { ...cause, details: base },
    );
  }
  if (row?.code === "SERVER_BUSY") {
    return new XoauthError(
      "SERVER_BUSY",
      `${where} refused ${ctx.command} for now (connection limit reached or server busy): ${serverReply}`,
      { ...cause, details: base },
    );
  }
  if (serverReply && /^AUTHENTICATE\b/i.test(ctx.command)) {
    const json = ctx.saslError && typeof ctx.saslError === "object" ? ` ${JSON.stringify(ctx.saslError)}` : "";
    return new XoauthError("MAILBOX_ACCESS_DENIED", `${where} rejected XOAUTH2 login for ${ctx.user}.${json}`, {
      ...cause,
      details: base,
    });
  }
  if (serverReply) {
    return new XoauthError("PROTOCOL_ERROR", `${where} refused ${ctx.command}: ${serverReply}`, {
      ...cause,
      details: base,
    });
  }
  if (nodeErrorCode(err)) return mapNetworkError(err, "mail-server", ctx.host, ctx.port);
  const msg = err instanceof Error ? err.message : String(err);
  return new XoauthError("PROTOCOL_ERROR", `IMAP error from ${where} during ${ctx.command}: ${redact(msg)}`, {
    ...cause,
    details: base,
  });
}
