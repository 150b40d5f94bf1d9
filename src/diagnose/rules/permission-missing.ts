/**
 * PERMISSION_MISSING: the protocol's role (POP.AccessAsApp / IMAP.AccessAsApp / SMTP.SendAsApp) is absent.
 * No `roles` claim at all means admin consent was never granted.
 */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const permissionMissing: Rule = {
  name: "permission-missing",
  diagnose: (ctx, f, lang) => {
    // Graph: a token without Mail.* roles may still be allowed (RBAC for Applications); Graph's 403 decides (graph-access).
    if (ctx.options.protocol === "graph" || !f.claims || f.claims.roleOk) return undefined;
    const key = f.claims.hasRoles ? "PERMISSION_MISSING" : "PERMISSION_MISSING.noRoles";
    return fromVariant("PERMISSION_MISSING", key, f.params, { lang });
  },
};
