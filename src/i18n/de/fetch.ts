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
  "fetch.cacheRefused": "das Zugriffstoken wird bei jedem Lauf neu angefordert, {reason}",
  "fetch.idle.graph": "--idle braucht --protocol imap: mit --protocol graph geht es nicht.",
  "fetch.idle.graph.why":
    "Graph meldet neue Mail nur über Änderungsbenachrichtigungen, die Microsoft an einen öffentlichen HTTPS-Endpunkt schickt; ein fetch-Daemon hinter einer Firewall hat keinen.",
  "fetch.idle.graph.fix":
    "Stattdessen mit Graph regelmäßig abfragen (--protocol graph --every 1m: eine Delta-Abfrage kostet eine Anfrage, wenn nichts Neues da ist) oder --protocol imap --idle verwenden.",
  "fetch.graphOnly": "{flag} geht nur mit --protocol graph, nicht mit {protocol}.",
  "fetch.graphOnly.why":
    "Über {protocol} kann xoauth-mail eine Nachricht nur behalten oder löschen (--delete); Verschieben und Als-gelesen-Markieren sind hier Graph-Aktionen.",
  "fetch.graphOnly.fix":
    "--protocol graph ergänzen (die App braucht Mail.ReadWrite für {flag}) oder mit {protocol} --delete / --keep verwenden.",
  "fetch.outage.why":
    "{host}:{port} hat in diesem Lauf schon geantwortet, Host und Port stimmen also: der Server oder das Netz ist gerade nicht erreichbar.",
  "fetch.outage.retry":
    "Nichts zu tun: der Daemon versucht es mit wachsendem Abstand (höchstens 15 min) weiter und holt danach, was inzwischen ankam, genau einmal.",
  "fetch.outage.check":
    "Dauert es an, von diesem Rechner aus testen: nc -vz {host} {port}   (Windows: Test-NetConnection {host} -Port {port})",
};
