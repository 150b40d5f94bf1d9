/** What `send --protocol graph` prints when Graph accepted the message (text, or the `--json` success object). */
import { t } from "../../i18n/index.js";
import type { GraphSendResult } from "../../send/graph-send.js";
import type { Envelope } from "../../send/message.js";
import { graphSentJson } from "../../send/result.js";
import { processOut } from "../output.js";

export function printGraphSent(
  json: boolean,
  mailbox: string,
  url: string,
  env: Envelope,
  s: GraphSendResult,
  ms: number,
) {
  if (json) {
    processOut.stdout(`${JSON.stringify(graphSentJson(mailbox, url, env, s, ms), null, 2)}\n`);
    return;
  }
  const params = {
    messageId: s.messageId ?? "(no Message-ID)",
    from: s.from,
    count: env.to.length + s.headerOnly.length,
    ms,
    requestId: s.requestId ?? "-",
  };
  processOut.stdout(`${t("send.graph.accepted", params)}\n`);
  if (s.path === "draft") {
    const attachments = (s.attachments?.small ?? 0) + (s.attachments?.uploaded ?? 0);
    processOut.stderr(`${t("send.graph.draft", { attachments })}\n`);
  }
  if (s.headerOnly.length) processOut.stderr(`${t("send.graph.headerOnly", { list: s.headerOnly.join(", ") })}\n`);
}
