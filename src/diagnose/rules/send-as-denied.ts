/** SEND_AS_DENIED: SMTP login worked but MAIL FROM / DATA as the mailbox was refused (5.7.60 SendAsDenied). */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

const SEND_AS_RE = /sendasdenied|5\.7\.60|not allowed to send as|send ?as permission/;

export const sendAsDenied: Rule = {
  name: "send-as-denied",
  diagnose: (_ctx, f, lang) =>
    f.error?.code === "SEND_AS_DENIED" || (f.failed?.id === "send" && SEND_AS_RE.test(f.reply))
      ? fromVariant("SEND_AS_DENIED", "SEND_AS_DENIED", f.params, { lang })
      : undefined,
};
