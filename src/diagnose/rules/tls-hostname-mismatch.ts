/** TLS_HOSTNAME_MISMATCH: the certificate is trusted but does not name the host we connected to. */

import type { Rule } from "../rule.js";
import { fromVariant, transportKey } from "../text.js";

export const tlsHostnameMismatch: Rule = {
  name: "tls-hostname-mismatch",
  diagnose: (ctx, f, lang) =>
    f.error?.code === "TLS_HOSTNAME_MISMATCH"
      ? fromVariant("TLS_HOSTNAME_MISMATCH", transportKey("TLS_HOSTNAME_MISMATCH", ctx.options.protocol), f.params, {
          lang,
        })
      : undefined,
};
