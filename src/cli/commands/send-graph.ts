/** What `send --protocol graph` prints when Graph accepted the message (text, or the `--json` success object). */
import { t } from "../../i18n/index.js";
import type { GraphSendResult } from "../../send/graph-send.js";
import type { Envelope } from "../../send/message.js";
import { processOut } from "../output.js";

/** The success JSON: the SMTP fields (ok, messageId, envelope, response, accepted, rejected, ms, mailbox, server) + Graph's. */
export function graphSentJson(mailbox: string, url: string, env: Envelope, s: GraphSendResult, ms: number) {
  return {
    ok: true,
    transport: "graph",
    path: s.path,
    status: s.status,
    requestId: s.requestId ?? null,
    clientRequestId: s.clientRequestId,
    messageId: s.messageId ?? null,
    envelope: env,
    from: s.from,
    response: `${s.status} Accepted`,
    accepted: [...env.to, ...s.headerOnly],
    rejected: [],
    addedBcc: s.addedBcc,
    headerOnly: s.headerOnly,
    ...(s.attachments ? { attachments: s.attachments } : {}),
    bytes: s.bytes,
    ms,
    mailbox,
    server: { url },
  };
}

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
