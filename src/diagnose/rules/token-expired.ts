/** TOKEN_EXPIRED: the token's `exp` lies in the past. */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const tokenExpired: Rule = {
  name: "token-expired",
  diagnose: (_ctx, f, lang) =>
    f.claims?.expired ? fromVariant("TOKEN_EXPIRED", "TOKEN_EXPIRED", f.params, { lang }) : undefined,
};
