/**
 * MAILBOX_ACCESS_DENIED: the server rejects a token that looks right (`-ERR Authentication failure`,
 * `NO AUTHENTICATE failed.`, `535 5.7.3`). The causes are all on the Exchange side; when the claims prove the token
 * right, the summary says so.
 */

import { tokenLooksRight } from "../facts.js";
import type { Rule } from "../rule.js";
import { diagUi, fromVariant } from "../text.js";

/** A clean "no" from the server at the auth step: POP3 -ERR, IMAP NO, SMTP 5xx. */
const REJECTION_RE = /^(-err|[a-z0-9.]+ no |no |5\d\d[ -])/;

export const mailboxAccessDenied: Rule = {
  name: "mailbox-access-denied",
  diagnose: (ctx, f, lang) => {
    const code = f.error?.code;
    const rejectedAtAuth =
      f.failed?.id === "auth" && (code === "PROTOCOL_ERROR" || code === "UNEXPECTED") && REJECTION_RE.test(f.reply);
    if (code !== "MAILBOX_ACCESS_DENIED" && !rejectedAtAuth) return undefined;
    const key = ctx.options.protocol === "smtp" ? "MAILBOX_ACCESS_DENIED.smtp" : "MAILBOX_ACCESS_DENIED";
    const lead = tokenLooksRight(f) ? diagUi("diag.tokenProves", f.params, lang) : undefined;
    return fromVariant("MAILBOX_ACCESS_DENIED", key, f.params, lead ? { lang, lead } : { lang });
  },
};
