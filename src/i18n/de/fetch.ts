/** Deutsche Texte für die Fehlercodes von `fetch` (Hooks, UIDVALIDITY; STORE_ERROR steht in store.ts). */
import type { CodeCatalog, UiCatalog } from "../types.js";

export const fetchCodes: CodeCatalog = {
  EXEC_FAILED: {
    summary: "Der --exec-Befehl ist für eine zugestellte Nachricht fehlgeschlagen.",
    causes: [
      "Der Verarbeitungsbefehl endete mit Fehler ({detail}); mit --exec-required bleibt die Nachricht auf dem Server.",
    ],
    fix: [
      "Den Befehl von Hand auf die Datei anwenden: sh -c '<Ihr Befehl>' x {file}",
      "Fehler beheben und fetch erneut starten: ausstehende Hooks laufen zuerst, erst danach wird gelöscht.",
    ],
  },
  UIDVALIDITY_CHANGED: {
    summary: "Der IMAP-Server hat den Ordner neu nummeriert (UIDVALIDITY geändert).",
    causes: ["Das Postfach wurde auf dem Server neu aufgebaut oder verschoben; alte UIDs gelten nicht mehr."],
    fix: [
      "Nichts zu tun: fetch legt den alten Stand beiseite und erkennt bereits zugestellte Nachrichten an Message-ID und Größe.",
    ],
  },
};

export const fetchUi: UiCatalog = {
  "fetch.outage.why":
    "{host}:{port} hat in diesem Lauf schon geantwortet, Host und Port stimmen also: der Server oder das Netz ist gerade nicht erreichbar.",
  "fetch.outage.retry":
    "Nichts zu tun: der Daemon versucht es mit wachsendem Abstand (höchstens 15 min) weiter und holt danach, was inzwischen ankam, genau einmal.",
  "fetch.outage.check":
    "Dauert es an, von diesem Rechner aus testen: nc -vz {host} {port}   (Windows: Test-NetConnection {host} -Port {port})",
};
