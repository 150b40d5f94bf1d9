/** TIMEOUT: connect, TLS, greeting or a command got no answer in time. */

import type { Rule } from "../rule.js";
import { fromVariant, transportKey } from "../text.js";

export const timeout: Rule = {
  name: "timeout",
  diagnose: (ctx, f, lang) =>
    f.error?.code === "TIMEOUT"
      ? fromVariant("TIMEOUT", transportKey("TIMEOUT", ctx.options.protocol), f.params, { lang })
      : undefined,
};
