/** TLS_UNTRUSTED: the mail server's certificate chain does not lead to a trusted CA. */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const tlsUntrusted: Rule = {
  name: "tls-untrusted",
  diagnose: (_ctx, f, lang) =>
    f.error?.code === "TLS_UNTRUSTED" ? fromVariant("TLS_UNTRUSTED", "TLS_UNTRUSTED", f.params, { lang }) : undefined,
};
