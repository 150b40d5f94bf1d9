/**
 * Graph error answers -> typed errors, by the Graph behaviour table (src/exchange/graph-replies.ts). Graph's error
 * body is `{"error":{"code","message","innerError":{"request-id","client-request-id","date"}}}`
 * (https://learn.microsoft.com/en-us/graph/errors); anything else (an HTML page of a proxy, an empty body) is kept as
 * text and classified by the HTTP status alone.
 */
import { decodeClaims } from "../auth/claims.js";
import { type ErrorCode, XoauthError } from "../errors.js";
import { matchGraphReply } from "../exchange/graph-replies.js";

export interface GraphErrorContext {
  mailbox: string;
  /** The bearer token the request carried: its roles split a generic 403 (never shown). */
  token?: string | undefined;
  /** What was asked, for the message: `GET /users/.../mailFolders/inbox` (no query). */
  request?: string | undefined;
  clientRequestId?: string | undefined;
  /** The Retry-After wait Graph asked for, when it was longer than the client may wait. */
  retryAfterMs?: number | undefined;
  maxRetryWaitMs?: number | undefined;
}

export interface GraphErrorBody {
  code?: string;
  message?: string;
  requestId?: string;
  date?: string;
  /** The body when it was not Graph's JSON error (trimmed). */
  text?: string;
}

/** Longest piece of a non-JSON error body kept in a message. */
const MAX_TEXT = 200;

export function parseGraphErrorBody(body: string | Buffer | undefined): GraphErrorBody {
  const raw = body === undefined ? "" : Buffer.isBuffer(body) ? body.toString("utf8") : body;
  try {
    const v = JSON.parse(raw) as { error?: Record<string, unknown> };
    const e = v?.error;
    if (e && typeof e === "object") {
      const inner = (e.innerError ?? e.innererror) as Record<string, unknown> | undefined;
      const str = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);
      return {
        code: str(e.code),
        message: str(e.message),
        requestId: str(inner?.["request-id"]),
        date: str(inner?.date),
      };
    }
  } catch {
    // not JSON: kept as text below
  }
  const text = raw.replace(/\s+/g, " ").trim().slice(0, MAX_TEXT);
  return text ? { text } : {};
}

/** The code for an answer the table has no row for. */
function codeByStatus(status: number): ErrorCode {
  if (status === 429) return "THROTTLED";
  if (status === 503 || status === 504) return "SERVER_BUSY";
  if (status === 413) return "MESSAGE_TOO_LARGE";
  if (status === 410) return "SYNC_STATE_EXPIRED";
  return "GRAPH_ERROR";
}

/** The roles claim of the token: undefined when there is none (or the token is not a readable JWT). */
function tokenRoles(token: string | undefined): string[] | undefined {
  if (!token) return undefined;
  try {
    const roles = decodeClaims(token).claims.roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Graph's generic 403 ErrorAccessDenied is the same text for "the app has no Mail permission" and "the app has one,
 * but not for this mailbox" (RBAC for Applications scope): the token's roles tell them apart. An app granted mail
 * access only through RBAC for Applications has no roles in its token at all
 * (https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac), so "no roles" cannot exclude that.
 */
function splitAccessDenied(token: string | undefined): { code: ErrorCode; why: string; roles: string } {
  const roles = tokenRoles(token);
  const mail = (roles ?? []).filter((r) => /^Mail\./i.test(r));
  if (mail.length > 0)
    return {
      code: "GRAPH_MAILBOX_OUT_OF_SCOPE",
      roles: roles?.join(" ") ?? "",
      why: `The token has ${mail.join(", ")}, so the app may use mail, but not this mailbox: an RBAC for Applications management scope or an Application Access Policy leaves it out.`,
    };
  if (roles === undefined || roles.length === 0)
    return {
      code: "GRAPH_PERMISSION_MISSING",
      roles: "",
      why: "The token has no roles: no application permission (Mail.Read, Mail.ReadWrite, Mail.Send) has admin consent. An app allowed only through RBAC for Applications also has no roles in its token, so if the app has such an assignment, this mailbox may simply be outside its scope.",
    };
  return {
    code: "GRAPH_PERMISSION_MISSING",
    roles: roles.join(" "),
    why: `The token's roles (${roles.join(", ")}) contain no Mail.* application permission.`,
  };
}

/**
 * The typed error for a Graph error answer: the table's code (the 403 split by the token's roles, unknown answers
 * GRAPH_ERROR with Graph's own code and message), `details.httpStatus`, `details.serverReply` = `<code>: <message>`,
 * and `details.params` with requestId, clientRequestId and mailbox.
 */
export function classifyGraphError(
  status: number,
  body: string | Buffer | GraphErrorBody | undefined,
  headers: Readonly<Record<string, string | undefined>>,
  ctx: GraphErrorContext,
): XoauthError {
  const b = typeof body === "object" && !Buffer.isBuffer(body) ? body : parseGraphErrorBody(body);
  const row = b.code ? matchGraphReply(status, b.code, b.message) : undefined;
  let code: ErrorCode = row?.ourCode ?? codeByStatus(status);
  let why: string | undefined;
  let roles: string | undefined;
  if (row?.id === "access-denied") {
    const split = splitAccessDenied(ctx.token);
    ({ code, why, roles } = split);
  }
  const requestId = headers["request-id"] ?? b.requestId;
  const clientRequestId = headers["client-request-id"] ?? ctx.clientRequestId;
  const serverReply = b.code !== undefined ? `${b.code}: ${b.message ?? ""}` : (b.text ?? `HTTP ${status}`);
  const on = ctx.request ? ` to ${ctx.request}` : "";
  let message = `Microsoft Graph answered ${status}${on}: ${serverReply}`;
  if (ctx.retryAfterMs !== undefined) {
    const s = Math.ceil(ctx.retryAfterMs / 1000);
    const max = Math.round((ctx.maxRetryWaitMs ?? 0) / 1000);
    message += ` (it asks to wait ${s} s, longer than the ${max} s this request may wait in total)`;
    why ??=
      "Graph limits each app to 4 requests at once and 10,000 per 10 minutes per mailbox, or the service is busy.";
  }
  return new XoauthError(code, message, {
    ...(why ? { why } : {}),
    details: {
      httpStatus: status,
      serverReply,
      params: {
        mailbox: ctx.mailbox,
        requestId,
        clientRequestId,
        ...(b.date ? { date: b.date } : {}),
        ...(roles !== undefined ? { roles } : {}),
        ...(ctx.retryAfterMs !== undefined ? { retryAfterSeconds: Math.ceil(ctx.retryAfterMs / 1000) } : {}),
      },
    },
  });
}
