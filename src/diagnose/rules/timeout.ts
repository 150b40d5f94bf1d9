/** TIMEOUT: connect, TLS, greeting or a command got no answer in time. */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const timeout: Rule = {
  name: "timeout",
  diagnose: (_ctx, f, lang) =>
    f.error?.code === "TIMEOUT" ? fromVariant("TIMEOUT", "TIMEOUT", f.params, { lang }) : undefined,
};
