/** WRONG_AUDIENCE: the token's `aud` is not Exchange Online (Graph = the wrong scope was requested). */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const wrongAudience: Rule = {
  name: "wrong-audience",
  diagnose: (_ctx, f, lang) => {
    if (!f.claims || f.claims.audOk) return undefined;
    return fromVariant("WRONG_AUDIENCE", f.claims.audIsGraph ? "WRONG_AUDIENCE.graph" : "WRONG_AUDIENCE", f.params, {
      lang,
    });
  },
};
