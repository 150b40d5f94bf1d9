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
  "proxy.account.noMailbox":
    'Für das Konto "{account}" ist kein Postfach hinterlegt; der Proxy braucht eines (mailbox im Konto eintragen).',
  "proxy.stopping": "{signal}: keine neuen Verbindungen mehr, offene Sitzungen bis zu {seconds} s abwarten",
};
