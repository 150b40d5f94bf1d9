import type { CodeCatalog, UiCatalog } from "../types.js";

/** `send`: most codes are shared with `test` (texts in diagnose.ts); MESSAGE_TOO_LARGE is send's own. */
export const sendCodes: CodeCatalog = {
  MESSAGE_TOO_LARGE: {
    summary: "The message is larger than Exchange Online or Microsoft Graph accepts; nothing was sent.",
    causes: [
      "Exchange Online's default maximum message size is 35 MB (MaxSendSize); `send --protocol graph` refuses bigger messages before any request.",
      "Graph answered 413: one request was over its 4 MB limit (sendMail, a draft with a very large body, or one attachment).",
    ],
    fix: [
      "Send a smaller message: put big files on SharePoint or OneDrive and send a link, or split the attachments over several messages.",
      "Check the mailbox limit: Get-Mailbox -Identity {mailbox} | Format-List MaxSendSize",
    ],
  },
};

export const sendUi: UiCatalog = {
  "send.usage.fileAndCompose":
    "Pass either a message file ({file}) or --subject/--body/--body-file/--attach, not both.",
  "send.usage.noMessage":
    "No message: pass FILE.eml, - to read the message from stdin, or --subject with --body/--body-file.",
  "send.usage.bodyTwice": "Pass either --body or --body-file, not both.",
  "send.usage.noRecipient": "No recipient: pass --to ADDRESS (repeatable).",
  "send.usage.noMailbox":
    "The sending mailbox is missing: pass --mailbox ADDRESS (or `mailbox` in the config account).",
  "send.sent": "✓ Sent {messageId} from {from} to {count} recipient(s) via {host}:{port} in {ms} ms: {response}",
  "send.rejected": "! The server refused these recipients (the others got the message): {rejected}",
  "send.header": "SMTP · {mailbox} at {host}:{port} ({tls})",
  "send.graph.header": "Microsoft Graph · {mailbox} at {url}",
  "send.graph.accepted":
    "✓ Graph accepted {messageId} from {from} for {count} recipient(s) in {ms} ms (request-id {requestId}); delivery happens later, a copy is in Sent Items.",
  "send.graph.draft":
    "! The message was larger than one sendMail request (about 3 MB), so it was rebuilt as a draft with {attachments} attachment(s): only From, To, Cc, Bcc, Reply-To, Subject, the body and X- headers were kept (not Message-ID, In-Reply-To, References, other headers, the MIME structure or signatures).",
  "send.graph.headerOnly":
    "! Graph also delivered to recipients named in the message's headers but not given with --to/--cc/--bcc (Graph has no envelope): {list}",
};
