/** MAILBOX_NOT_CONNECTED: IMAP login OK, then `BAD User is authenticated but not connected.` */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const mailboxNotConnected: Rule = {
  name: "mailbox-not-connected",
  diagnose: (_ctx, f, lang) =>
    f.error?.code === "MAILBOX_NOT_CONNECTED" || f.reply.includes("authenticated but not connected")
      ? fromVariant("MAILBOX_NOT_CONNECTED", "MAILBOX_NOT_CONNECTED", f.params, { lang })
      : undefined,
};
