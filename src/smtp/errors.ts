/** Maps SMTP replies and nodemailer / socket failures to XoauthError codes (replies: src/exchange/contract.ts). Pure. */
import { type ErrorCode, XoauthError } from "../errors.js";
import { classifyReply, type Step } from "../exchange/contract.js";
import { redact } from "../log/redact.js";
import { mapNetworkError } from "../net/errors.js";

export interface SmtpErrorContext {
  host: string;
  port: number;
  user: string;
  /** The command that failed, e.g. `AUTH XOAUTH2`, `MAIL FROM`, `RCPT TO`, `DATA`. */
  command: string;
}

/** The step of the Exchange table (src/exchange/contract.ts) where a command's reply surfaces. */
function stepOf(command: string): Step | undefined {
  if (/^AUTH\b/i.test(command)) return "auth";
  if (/^MAIL\b/i.test(command)) return "mail-from";
  if (/^DATA\b/i.test(command)) return "data";
  if (/^(?:CONN|GREETING)\b/i.test(command)) return "greeting";
  return undefined;
}

/**
 * The error code an SMTP failure reply stands for, or undefined when it is not a known class. The replies and their
 * codes are the Exchange table's (src/exchange/contract.ts): 535 5.7.139 SMTP_AUTH_DISABLED, 5.2.252 / 5.7.60
 * SEND_AS_DENIED, other 535 MAILBOX_ACCESS_DENIED, 504 at AUTH XOAUTH2_NOT_OFFERED, any 4xx (connection limit,
 * busy, throttled) SERVER_BUSY. Any other 5xx to AUTH except 500-502 (syntax) is a refused login too.
 */
export function classifySmtpReply(reply: string, command: string): ErrorCode | undefined {
  const r = reply.trim();
  const atStep = classifyReply("smtp", stepOf(command), r);
  if (atStep) return atStep.code;
  // a reply the table places at another step (e.g. 5.7.60 or a 4xx to RCPT TO); 504 means "no XOAUTH2" only at AUTH
  const anywhere = classifyReply("smtp", undefined, r);
  if (anywhere && anywhere.id !== "mechanism-unsupported") return anywhere.code;
  if (/^AUTH\b/i.test(command) && /^5\d\d\b/.test(r) && !/^50[0-2]\b/.test(r)) return "MAILBOX_ACCESS_DENIED";
  return undefined;
}

interface NodemailerError {
  message?: string;
  code?: string;
  originalCode?: string;
  response?: unknown;
  responseCode?: number;
  command?: string;
}

const NETWORK_TYPES = new Set(["ECONNECTION", "ESOCKET", "ETLS", "EDNS", "ETIMEDOUT", "ECONNREFUSED"]);

/** A typed error for a failed SMTP login or send; the server reply is kept in details.serverReply. */
export function mapSmtpError(err: unknown, ctx: SmtpErrorContext): XoauthError {
  if (err instanceof XoauthError) return err;
  const e = (err ?? {}) as NodemailerError;
  // Only strings are used as text: whatever was thrown may carry a message or response of another type.
  const message = typeof e.message === "string" ? e.message : undefined;
  const where = `${ctx.host}:${ctx.port}`;
  const reply = typeof e.response === "string" ? redact(e.response.trim()) : undefined;
  const command =
    typeof e.command === "string" && e.command !== "API" && e.command !== "CONN" ? e.command : ctx.command;
  const details = {
    command,
    serverReply: reply,
    params: { host: ctx.host, port: String(ctx.port), mailbox: ctx.user },
  };
  const code = reply ? classifySmtpReply(reply, command) : undefined;
  if (code) {
    const what: Partial<Record<ErrorCode, string>> = {
      SMTP_AUTH_DISABLED: `${where} refused SMTP AUTH: it is disabled for this tenant or mailbox.`,
      SEND_AS_DENIED: `${where} refused to send as ${ctx.user}.`,
      MAILBOX_ACCESS_DENIED: `${where} rejected XOAUTH2 login for ${ctx.user}.`,
      XOAUTH2_NOT_OFFERED: `${where} does not accept AUTH XOAUTH2.`,
      SERVER_BUSY: `${where} refused ${command} for now (connection limit reached or server busy): ${reply}`,
    };
    return new XoauthError(code, what[code] ?? `${where}: ${reply}`, { cause: err, details });
  }
  const inner = e.originalCode ?? e.code;
  if (!reply && inner && (NETWORK_TYPES.has(e.code ?? "") || /^E[A-Z]+$|CERT|SIGNATURE|ALTNAME/.test(inner))) {
    if (e.code === "ETIMEDOUT" || inner === "ETIMEDOUT") {
      return new XoauthError("TIMEOUT", `${where} did not answer in time.`, { cause: err, details });
    }
    if (!e.originalCode && (e.code === "ECONNECTION" || e.code === "ETLS") && /closed/i.test(message ?? "")) {
      return new XoauthError("CONNECTION_CLOSED", `${where} closed the connection during ${command}.`, {
        cause: err,
        details,
      });
    }
    return mapNetworkError({ code: inner, message, cause: err }, "mail-server", ctx.host, ctx.port);
  }
  const text = redact(message ?? String(err));
  return new XoauthError("PROTOCOL_ERROR", `${where} refused ${command}: ${reply ?? text}`, { cause: err, details });
}
