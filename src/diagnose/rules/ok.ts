/** OK: every step passed and the token claims are right. */

import type { Rule } from "../rule.js";
import { fromVariant, transportKey } from "../text.js";

export const ok: Rule = {
  name: "ok",
  diagnose: (ctx, f, lang) =>
    f.failed ? undefined : fromVariant("OK", transportKey("OK", ctx.options.protocol), f.params, { lang }),
};
