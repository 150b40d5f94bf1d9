import type { CodeCatalog, UiCatalog } from "../types.js";

/** `send`: its codes are shared with `test` (texts in diagnose.ts); these are its UI strings. */
export const sendCodes: CodeCatalog = {};

export const sendUi: UiCatalog = {
  "send.sent": "✓ Sent {messageId} from {from} to {count} recipient(s) via {host}:{port} in {ms} ms: {response}",
  "send.rejected": "! The server refused these recipients (the others got the message): {rejected}",
  "send.header": "SMTP · {mailbox} at {host}:{port} ({tls})",
};
