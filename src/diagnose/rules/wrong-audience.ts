/**
 * WRONG_AUDIENCE: the token's `aud` is not the transport's: not Exchange Online for POP3/IMAP/SMTP (a Graph token =
 * the Graph scope was requested), not Microsoft Graph for Graph (an Exchange token = the Exchange scope). For Graph
 * also its own 401 "Invalid audience" when the claims could not tell (an explicit --scope of another resource).
 */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const wrongAudience: Rule = {
  name: "wrong-audience",
  diagnose: (ctx, f, lang) => {
    if (ctx.options.protocol === "graph") {
      const claimed = !!f.claims && !f.claims.audOk;
      if (!claimed && f.error?.code !== "WRONG_AUDIENCE") return undefined;
      const key = f.claims?.audIsExchange ? "WRONG_AUDIENCE.toGraph" : "WRONG_AUDIENCE.toGraphOther";
      return fromVariant("WRONG_AUDIENCE", key, f.params, { lang });
    }
    if (!f.claims || f.claims.audOk) return undefined;
    return fromVariant("WRONG_AUDIENCE", f.claims.audIsGraph ? "WRONG_AUDIENCE.graph" : "WRONG_AUDIENCE", f.params, {
      lang,
    });
  },
};
