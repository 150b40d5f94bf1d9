/** PROTOCOL_ERROR: the last resort for a failed step no other rule explains. */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const protocolError: Rule = {
  name: "protocol-error",
  diagnose: (_ctx, f, lang) =>
    f.failed ? fromVariant("PROTOCOL_ERROR", "PROTOCOL_ERROR", f.params, { lang }) : undefined,
};
