/**
 * GRAPH_PERMISSION_MISSING / GRAPH_MAILBOX_OUT_OF_SCOPE: Microsoft Graph answered 403 ErrorAccessDenied.
 * An Application Access Policy says so in its message ([RAOP]); otherwise the one 403 rule of the Graph client
 * (graphAccessDenied in src/graph/classify.ts) decides with the token's roles and the operation the failed request
 * needed (read, write, send: the classifier keeps it in the error's params; a step without it is judged by its id).
 * learn.microsoft.com/exchange/permissions-exo/application-rbac, learn.microsoft.com/graph/auth-limit-mailbox-access.
 */

import { type GraphOperation, graphAccessDenied } from "../../graph/classify.js";
import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

const AAP_RE = /\[raop\]|accesspolicy/;
const OPERATIONS: readonly string[] = ["read", "write", "send"];

/** The operation of the failed request: the classifier's, else by the step (the send probe and `send` send). */
export function failedOperation(param: unknown, stepId: string | undefined): GraphOperation {
  if (typeof param === "string" && OPERATIONS.includes(param)) return param as GraphOperation;
  return stepId === "send-probe" || stepId === "send" ? "send" : "read";
}

/**
 * The text variant of a Graph 403 error the client already classified (a plain error, as `fetch` prints it): the
 * Application Access Policy text, else the code's text for the operation (`GRAPH_PERMISSION_MISSING.write`, ...).
 */
export function graphErrorVariant(err: {
  code: string;
  details: { serverReply?: string | undefined; params?: Record<string, unknown> | undefined };
}): string | undefined {
  if (err.code !== "GRAPH_PERMISSION_MISSING" && err.code !== "GRAPH_MAILBOX_OUT_OF_SCOPE") return undefined;
  const op = err.details.params?.operation;
  if (typeof op !== "string" || !OPERATIONS.includes(op)) return undefined;
  if (AAP_RE.test((err.details.serverReply ?? "").toLowerCase())) return "GRAPH_MAILBOX_OUT_OF_SCOPE.aap";
  return `${err.code}.${op}`;
}

export const graphAccess: Rule = {
  name: "graph-access",
  diagnose: (ctx, f, lang) => {
    const e = f.error;
    if (ctx.options.protocol !== "graph" || !e) return undefined;
    const denied =
      e.code === "GRAPH_PERMISSION_MISSING" ||
      e.code === "GRAPH_MAILBOX_OUT_OF_SCOPE" ||
      (e.details.httpStatus === 403 && f.reply.includes("erroraccessdenied"));
    if (!denied) return undefined;
    const op = failedOperation(e.details.params?.operation, f.failed?.id);
    if (AAP_RE.test(f.reply)) {
      return fromVariant("GRAPH_MAILBOX_OUT_OF_SCOPE", "GRAPH_MAILBOX_OUT_OF_SCOPE.aap", f.params, { lang });
    }
    const roles = Array.isArray(ctx.claims?.roles) ? ctx.claims.roles.filter((r) => typeof r === "string") : undefined;
    const { code } = graphAccessDenied(roles, op);
    return fromVariant(code, `${code}.${op}`, f.params, { lang });
  },
};
