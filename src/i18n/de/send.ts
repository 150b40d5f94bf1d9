import type { CodeCatalog, UiCatalog } from "../types.js";

/** `send`: die meisten Codes teilt es mit `test` (Texte in diagnose.ts); MESSAGE_TOO_LARGE gehört `send`. */
export const sendCodes: CodeCatalog = {
  MESSAGE_TOO_LARGE: {
    summary: "Die Nachricht ist größer, als Exchange Online oder Microsoft Graph annimmt; nichts wurde gesendet.",
    causes: [
      "Exchange Online nimmt standardmäßig Nachrichten bis 35 MB an (MaxSendSize); `send --protocol graph` lehnt größere vor jeder Anfrage ab.",
      "Graph hat mit 413 geantwortet: eine Anfrage war über ihrer Grenze von 4 MB (sendMail, ein Entwurf mit sehr großem Text oder ein Anhang).",
    ],
    fix: [
      "Eine kleinere Nachricht senden: große Dateien auf SharePoint oder OneDrive ablegen und einen Link senden, oder die Anhänge auf mehrere Nachrichten verteilen.",
      "Die Grenze des Postfachs prüfen: Get-Mailbox -Identity {mailbox} | Format-List MaxSendSize",
    ],
  },
};

export const sendUi: UiCatalog = {
  "send.sent": "✓ {messageId} von {from} an {count} Empfänger über {host}:{port} gesendet ({ms} ms): {response}",
  "send.rejected": "! Diese Empfänger hat der Server abgelehnt (die übrigen haben die Nachricht erhalten): {rejected}",
  "send.header": "SMTP · {mailbox} über {host}:{port} ({tls})",
  "send.usage.fileAndCompose":
    "Entweder eine Nachrichtendatei ({file}) oder --subject/--body/--body-file/--attach angeben, nicht beides.",
  "send.usage.noMessage":
    "Keine Nachricht: FILE.eml angeben, - um die Nachricht von stdin zu lesen, oder --subject mit --body/--body-file.",
  "send.usage.bodyTwice": "Entweder --body oder --body-file angeben, nicht beides.",
  "send.usage.noRecipient": "Kein Empfänger: --to ADRESSE angeben (mehrfach möglich).",
  "send.usage.noMailbox":
    "Das sendende Postfach fehlt: --mailbox ADRESSE angeben (oder `mailbox` im Konto der Konfigurationsdatei).",
  "send.graph.header": "Microsoft Graph · {mailbox} über {url}",
  "send.graph.accepted":
    "✓ Graph hat {messageId} von {from} für {count} Empfänger angenommen ({ms} ms, request-id {requestId}); die Zustellung folgt, eine Kopie liegt in „Gesendete Elemente“.",
  "send.graph.draft":
    "! Die Nachricht war größer als eine sendMail-Anfrage (etwa 3 MB) und wurde als Entwurf mit {attachments} Anhang/Anhängen neu aufgebaut: erhalten sind nur From, To, Cc, Bcc, Reply-To, Betreff, der Text und X-Header (nicht Message-ID, In-Reply-To, References, andere Header, die MIME-Struktur oder Signaturen).",
  "send.graph.headerOnly":
    "! Graph hat auch an Empfänger zugestellt, die in den Kopfzeilen der Nachricht stehen, aber nicht mit --to/--cc/--bcc angegeben wurden (Graph kennt keinen Umschlag): {list}",
};
