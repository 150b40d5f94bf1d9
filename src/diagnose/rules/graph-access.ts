/**
 * GRAPH_PERMISSION_MISSING / GRAPH_MAILBOX_OUT_OF_SCOPE: Microsoft Graph answered 403 ErrorAccessDenied.
 * An Application Access Policy says so in its message ([RAOP]); otherwise the token decides: with the Mail.* role the
 * step needs (read, or Mail.Send for the send probe) the app is allowed in general, so a scope leaves the mailbox out;
 * without it the permission is missing (or an RBAC for Applications grant, which is not in the token, does not cover
 * the mailbox: the fix says how to check that). learn.microsoft.com/exchange/permissions-exo/application-rbac,
 * learn.microsoft.com/graph/auth-limit-mailbox-access.
 */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

const AAP_RE = /\[raop\]|accesspolicy/;

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
    const sending = f.failed?.id === "send-probe";
    const action = sending ? "send" : "read";
    if (AAP_RE.test(f.reply)) {
      return fromVariant("GRAPH_MAILBOX_OUT_OF_SCOPE", "GRAPH_MAILBOX_OUT_OF_SCOPE.aap", f.params, { lang });
    }
    const hasRole = sending ? f.claims?.sendRoleOk : f.claims?.roleOk;
    if (hasRole) {
      return fromVariant("GRAPH_MAILBOX_OUT_OF_SCOPE", `GRAPH_MAILBOX_OUT_OF_SCOPE.${action}`, f.params, { lang });
    }
    return fromVariant("GRAPH_PERMISSION_MISSING", `GRAPH_PERMISSION_MISSING.${action}`, f.params, { lang });
  },
};
