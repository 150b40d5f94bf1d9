/**
 * MAILBOX_NOT_FOUND: Microsoft Graph knows no such user (404 ErrorInvalidUser), or the user has no Exchange Online
 * mailbox it can serve (404 MailboxNotEnabledForRESTAPI: no licence, inactive, soft-deleted or on-premises).
 */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const mailboxNotFound: Rule = {
  name: "mailbox-not-found",
  diagnose: (_ctx, f, lang) => {
    if (f.error?.code !== "MAILBOX_NOT_FOUND") return undefined;
    const key = f.reply.includes("mailboxnotenabledforrestapi") ? "MAILBOX_NOT_FOUND.notEnabled" : "MAILBOX_NOT_FOUND";
    return fromVariant("MAILBOX_NOT_FOUND", key, f.params, { lang });
  },
};
