/** MAIL_SERVER_UNREACHABLE: DNS failure, connection refused, host unreachable, or the connection died before TLS. */

import type { Rule } from "../rule.js";
import { fromVariant, transportKey } from "../text.js";

export const mailServerUnreachable: Rule = {
  name: "mail-server-unreachable",
  diagnose: (ctx, f, lang) => {
    const code = f.error?.code;
    const atConnect = f.failed?.id === "connect" && (code === "CONNECTION_CLOSED" || code === "UNEXPECTED");
    if (code !== "MAIL_SERVER_UNREACHABLE" && !atConnect) return undefined;
    return fromVariant(
      "MAIL_SERVER_UNREACHABLE",
      transportKey("MAIL_SERVER_UNREACHABLE", ctx.options.protocol),
      f.params,
      { lang },
    );
  },
};
