/** SMTP_AUTH_DISABLED: `535 5.7.139` — SMTP client authentication is off for the tenant or the mailbox. */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const smtpAuthDisabled: Rule = {
  name: "smtp-auth-disabled",
  diagnose: (_ctx, f, lang) => {
    if (f.error?.code !== "SMTP_AUTH_DISABLED" && !f.reply.includes("5.7.139")) return undefined;
    const perMailbox = /for the mailbox|for the user/.test(f.reply) && !f.reply.includes("for the tenant");
    const key = perMailbox ? "SMTP_AUTH_DISABLED.mailbox" : "SMTP_AUTH_DISABLED";
    return fromVariant("SMTP_AUTH_DISABLED", key, f.params, { lang });
  },
};
