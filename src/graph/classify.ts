/**
 * Graph error answers -> typed errors, by the Graph behaviour table (src/exchange/graph-replies.ts). Graph's error
 * body is `{"error":{"code","message","innerError":{"request-id","client-request-id","date"}}}`
 * (https://learn.microsoft.com/en-us/graph/errors); anything else (an HTML page of a proxy, an empty body) is kept as
 * text and classified by the HTTP status alone.
 */
import { decodeClaims } from "../auth/claims.js";
import { GRAPH_SEND_ROLE } from "../auth/clouds.js";
import { type ErrorCode, XoauthError } from "../errors.js";
import { matchGraphReply } from "../exchange/graph-replies.js";

/** What a request does, as far as Graph's permissions are concerned. */
export type GraphOperation = "read" | "write" | "send";

/**
 * The application roles that allow each operation (learn.microsoft.com/graph/permissions-reference; per API:
 * get a message and its $value Mail.Read, update/move/delete a message, create a draft, add attachments and upload
 * sessions Mail.ReadWrite, sendMail and message: send Mail.Send). Mail.ReadBasic does not count for reading: it gives
 * no bodies ("except body, previewBody, attachments and any extended properties"), so fetch cannot work with it and
 * the fix is Mail.Read either way.
 */
export const GRAPH_ROLES_FOR: Readonly<Record<GraphOperation, readonly string[]>> = {
  read: ["Mail.Read", "Mail.ReadWrite"],
  write: ["Mail.ReadWrite"],
  send: [GRAPH_SEND_ROLE],
};

/** The operation of a request when the caller did not name it: reading for GET, changing for everything else. */
export function operationOf(method: string): GraphOperation {
  return method === "GET" ? "read" : "write";
}

/**
 * THE rule for Graph's generic 403 ErrorAccessDenied, used by the client's classifier and the diagnosis: the same
 * text means "the app lacks the permission" and "the app has it, but not for this mailbox" (RBAC for Applications
 * scope). With a role that allows the operation, the app is allowed in general, so a scope leaves the mailbox out;
 * without one the permission is missing. An app granted mail access only through RBAC for Applications has no roles
 * in its token at all (learn.microsoft.com/exchange/permissions-exo/application-rbac), so "no role" cannot exclude a
 * scope: the PERMISSION_MISSING fix says how to check that too.
 */
export function graphAccessDenied(
  roles: readonly string[] | undefined,
  op: GraphOperation,
): { code: "GRAPH_MAILBOX_OUT_OF_SCOPE" | "GRAPH_PERMISSION_MISSING"; granted: string[]; needed: readonly string[] } {
  const needed = GRAPH_ROLES_FOR[op];
  const granted = (roles ?? []).filter((r) => needed.includes(r));
  return { code: granted.length ? "GRAPH_MAILBOX_OUT_OF_SCOPE" : "GRAPH_PERMISSION_MISSING", granted, needed };
}

export interface GraphErrorContext {
  mailbox: string;
  /** What the request does (default: operationOf its method): decides which role a 403 is judged by. */
  operation?: GraphOperation | undefined;
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

/** The claims of the token: undefined when it is not a readable JWT. */
function tokenClaims(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    return decodeClaims(token).claims as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The roles claim of the token: undefined when there is none (or the token is not a readable JWT). */
function tokenRoles(token: string | undefined): string[] | undefined {
  const roles = tokenClaims(token)?.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : undefined;
}

/**
 * The IDs a fix text names, from the token the request carried (app ID, service principal object ID, tenant): not
 * secrets, and what an admin needs for New-ServicePrincipal / Test-ServicePrincipalAuthorization.
 */
function tokenIds(token: string | undefined): Record<string, string> {
  const c = tokenClaims(token);
  const ids: Record<string, string> = {};
  for (const [param, claim] of [
    ["appid", "appid"],
    ["clientId", "appid"],
    ["oid", "oid"],
    ["tenantId", "tid"],
  ] as const) {
    const v = c?.[claim];
    if (typeof v === "string" && v) ids[param] = v;
  }
  return ids;
}

/** A 403 ErrorAccessDenied: graphAccessDenied with the token's roles, and why in words. */
function splitAccessDenied(
  token: string | undefined,
  op: GraphOperation,
): { code: ErrorCode; why: string; roles: string } {
  const roles = tokenRoles(token);
  const { code, granted, needed } = graphAccessDenied(roles, op);
  const all = roles?.join(" ") ?? "";
  if (code === "GRAPH_MAILBOX_OUT_OF_SCOPE")
    return {
      code,
      roles: all,
      why: `The token has ${granted.join(", ")}, so the app may ${op} mail, but not in this mailbox: an RBAC for Applications management scope or an Application Access Policy leaves it out.`,
    };
  if (roles === undefined || roles.length === 0)
    return {
      code,
      roles: "",
      why: `The token has no roles: no application permission (${needed.join(" or ")}) has admin consent. An app allowed only through RBAC for Applications also has no roles in its token, so if the app has such an assignment, this mailbox may simply be outside its scope.`,
    };
  return {
    code,
    roles: all,
    why: `The token's roles (${roles.join(", ")}) contain none of ${needed.join(", ")}, which this request needs.`,
  };
}

/**
 * The typed error for a Graph error answer: the table's code (the 403 split by the token's roles, unknown answers
 * GRAPH_ERROR with Graph's own code and message), `details.httpStatus`, `details.serverReply` = `<code>: <message>`,
 * and `details.params` with requestId, clientRequestId, mailbox and the operation.
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
  const operation = ctx.operation ?? operationOf(ctx.request?.split(" ")[0] ?? "GET");
  if (row?.id === "access-denied") {
    const split = splitAccessDenied(ctx.token, operation);
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
        ...tokenIds(ctx.token),
        mailbox: ctx.mailbox,
        operation,
        requestId,
        clientRequestId,
        ...(b.date ? { date: b.date } : {}),
        ...(roles !== undefined ? { roles } : {}),
        ...(ctx.retryAfterMs !== undefined ? { retryAfterSeconds: Math.ceil(ctx.retryAfterMs / 1000) } : {}),
      },
    },
  });
}
