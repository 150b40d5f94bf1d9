import type { CodeCatalog, UiCatalog } from "../types.js";

/** `send`: die Codes teilt es mit `test` (Texte in diagnose.ts); hier nur die Texte der Oberfläche. */
export const sendCodes: CodeCatalog = {};

export const sendUi: UiCatalog = {
  "send.sent": "✓ {messageId} von {from} an {count} Empfänger über {host}:{port} gesendet ({ms} ms): {response}",
  "send.rejected": "! Diese Empfänger hat der Server abgelehnt (die übrigen haben die Nachricht erhalten): {rejected}",
  "send.header": "SMTP · {mailbox} über {host}:{port} ({tls})",
};
