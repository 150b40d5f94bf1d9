/** OK: every step passed and the token claims are right. */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const ok: Rule = {
  name: "ok",
  diagnose: (_ctx, f, lang) => (f.failed ? undefined : fromVariant("OK", "OK", f.params, { lang })),
};
