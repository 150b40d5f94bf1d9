/** XOAUTH2_NOT_OFFERED: CAPA / CAPABILITY / EHLO does not list XOAUTH2. */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const xoauth2NotOffered: Rule = {
  name: "xoauth2-not-offered",
  diagnose: (_ctx, f, lang) =>
    f.error?.code === "XOAUTH2_NOT_OFFERED"
      ? fromVariant("XOAUTH2_NOT_OFFERED", "XOAUTH2_NOT_OFFERED", f.params, { lang })
      : undefined,
};
