/** TLS_UNTRUSTED: the mail server's certificate chain does not lead to a trusted CA, or it is out of its dates. */

import { certFailure } from "../probe/tls-detail.js";
import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

/** OpenSSL verify results about the certificate's dates: the chain is fine, the time is not. */
const DATES = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);

export const tlsUntrusted: Rule = {
  name: "tls-untrusted",
  diagnose: (_ctx, f, lang) => {
    if (f.error?.code !== "TLS_UNTRUSTED") return undefined;
    const dates = DATES.has(certFailure(f.error)?.code ?? "");
    return fromVariant("TLS_UNTRUSTED", dates ? "TLS_UNTRUSTED.dates" : "TLS_UNTRUSTED", f.params, { lang });
  },
};
