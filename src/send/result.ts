/** The success objects of a send (`send --json`, and what the library's sendMail returns): SMTP's and Graph's. */
import type { MailServer } from "../diagnose/server.js";
import type { GraphSendResult } from "./graph-send.js";
import type { Envelope } from "./message.js";
import type { SentMessage } from "./transport.js";

/** SMTP: {ok, messageId, envelope, response, accepted, rejected, ms, mailbox, server}. */
export function smtpSentJson(mailbox: string, server: MailServer, s: SentMessage, ms: number) {
  return {
    ok: true as const,
    messageId: s.messageId ?? null,
    envelope: s.envelope,
    response: s.response,
    accepted: s.accepted,
    rejected: s.rejected,
    ms,
    mailbox,
    server,
  };
}

/** Graph: the SMTP fields (ok, messageId, envelope, response, accepted, rejected, ms, mailbox, server) + Graph's. */
export function graphSentJson(mailbox: string, url: string, env: Envelope, s: GraphSendResult, ms: number) {
  return {
    ok: true as const,
    transport: "graph" as const,
    path: s.path,
    status: s.status,
    requestId: s.requestId ?? null,
    clientRequestId: s.clientRequestId,
    messageId: s.messageId ?? null,
    envelope: env,
    from: s.from,
    response: `${s.status} Accepted`,
    accepted: [...env.to, ...s.headerOnly],
    rejected: [] as string[],
    addedBcc: s.addedBcc,
    headerOnly: s.headerOnly,
    ...(s.attachments ? { attachments: s.attachments } : {}),
    bytes: s.bytes,
    ms,
    mailbox,
    server: { url },
  };
}
