import type { CodeCatalog, UiCatalog } from "../types.js";

/** Proxy: Codes teilt der Proxy mit anderen Bereichen (deren Texte stehen dort); hier die Texte der Oberfläche. */
export const proxyCodes: CodeCatalog = {};

export const proxyUi: UiCatalog = {
  "proxy.prompt.password": "Passwort für den Alt-Client:",
  "proxy.prompt.repeat": "Passwort wiederholen:",
  "proxy.password.mismatch": "Die beiden Passwörter stimmen nicht überein.",
  "proxy.password.short": "Bitte ein Passwort mit mindestens 8 Zeichen verwenden.",
  "proxy.config.missing":
    "Keine Konfigurationsdatei: der Proxy braucht Konten und einen Abschnitt proxy:. Gesucht: --config, XOAUTH_MAIL_CONFIG und {path} (nicht vorhanden). --config DATEI angeben oder diese Datei anlegen (siehe docs/proxy.md).",
  "proxy.config.readable":
    "Die Konfigurationsdatei {path} ist für Gruppe oder andere lesbar (Rechte {mode}); sie enthält die Passwort-Hashes des Proxys, die jeder mit einer Kopie offline angreifen kann. `chmod 600 {file}` ausführen.",
  "proxy.listen.EADDRINUSE":
    'Der Listener "{name}" kann nicht auf {address} lauschen: der Port ist schon belegt (ein anderes Programm oder ein schon laufender Proxy lauscht dort).',
  "proxy.listen.EADDRINUSE.fix":
    "Das andere Programm beenden (`ss -ltnp 'sport = :{port}'` zeigt, welches), oder in proxy.listeners.{name}.listen.port einen anderen Port eintragen.",
  "proxy.listen.EACCES":
    'Der Listener "{name}" kann nicht auf {address} lauschen: keine Berechtigung (Ports unter 1024 brauchen Rechte).',
  "proxy.listen.EACCES.fix":
    "In proxy.listeners.{name}.listen.port einen Port ab 1024 eintragen (z. B. 1587, 1110, 1143), oder dem Proxy niedrige Ports erlauben (Linux: `setcap cap_net_bind_service=+ep` für node).",
  "proxy.listen.EADDRNOTAVAIL":
    'Der Listener "{name}" kann nicht auf {address} lauschen: dieser Rechner hat diese Adresse nicht.',
  "proxy.listen.EADDRNOTAVAIL.fix":
    "In proxy.listeners.{name}.listen.host eine Adresse dieses Rechners eintragen (127.0.0.1 für lokale Clients, 0.0.0.0 für alle).",
  "proxy.listen.failed": 'Der Listener "{name}" kann nicht auf {address} lauschen: {error}',
  "proxy.account.noMailbox":
    'Für das Konto "{account}" ist kein Postfach hinterlegt; der Proxy braucht eines (mailbox im Konto eintragen).',
  "proxy.stopping": "{signal}: keine neuen Verbindungen mehr, offene Sitzungen bis zu {seconds} s abwarten",
  "proxy.graph.imap":
    'Listener "{name}": upstream: graph gibt es für SMTP- und POP3-Listener, nicht für IMAP (der Proxy bedient IMAP nicht über Graph). upstream: graph entfernen, um sich am IMAP-Server von Exchange anzumelden, oder protocol: pop3 verwenden.',
  "proxy.graph.folderPop3Only":
    'Listener "{name}": folder und deleteTo gelten nur für POP3-Listener mit upstream: graph. Entfernen, oder protocol: pop3 und upstream: graph setzen.',
};
