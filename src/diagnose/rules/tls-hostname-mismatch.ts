/** TLS_HOSTNAME_MISMATCH: the certificate is trusted but does not name the host we connected to. */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const tlsHostnameMismatch: Rule = {
  name: "tls-hostname-mismatch",
  diagnose: (_ctx, f, lang) =>
    f.error?.code === "TLS_HOSTNAME_MISMATCH"
      ? fromVariant("TLS_HOSTNAME_MISMATCH", "TLS_HOSTNAME_MISMATCH", f.params, { lang })
      : undefined,
};
