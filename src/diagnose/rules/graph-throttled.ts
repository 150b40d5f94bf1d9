/**
 * THROTTLED from Microsoft Graph (429 ApplicationThrottled, with Retry-After) after the client's bounded wait: the
 * app exceeded its per-mailbox limits (4 requests at once, 10,000 per 10 minutes:
 * learn.microsoft.com/graph/throttling-limits#outlook-service-limits). Not the identity platform's throttling, which
 * the token step reports.
 */

import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const graphThrottled: Rule = {
  name: "graph-throttled",
  diagnose: (ctx, f, lang) =>
    ctx.options.protocol === "graph" && f.error?.code === "THROTTLED" && f.failed?.id !== "token"
      ? fromVariant("THROTTLED", "THROTTLED.toGraph", f.params, { lang })
      : undefined,
};
