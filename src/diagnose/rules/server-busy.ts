/**
 * SERVER_BUSY: the server refused for now (connection limit reached, throttled, unavailable). Temporary, and never a
 * permission fix: it outranks the server-answer rules below it, which would read a refusal as missing permissions.
 * A refusal the client layer did not type (PROTOCOL_ERROR, UNEXPECTED) is matched against the Exchange table.
 */

import { classifyReply } from "../../exchange/contract.js";
import type { Rule } from "../rule.js";
import { fromVariant } from "../text.js";

export const serverBusy: Rule = {
  name: "server-busy",
  diagnose: (ctx, f, lang) => {
    const code = f.error?.code;
    const reply = f.error?.details.serverReply;
    const busy =
      code === "SERVER_BUSY" ||
      ((code === "PROTOCOL_ERROR" || code === "UNEXPECTED") &&
        !!reply &&
        ctx.options.protocol !== "graph" &&
        classifyReply(ctx.options.protocol, undefined, reply)?.kind === "temporary");
    return busy ? fromVariant("SERVER_BUSY", "SERVER_BUSY", f.params, { lang }) : undefined;
  },
};
