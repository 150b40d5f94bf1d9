import type { UiCatalog } from "../types.js";

/** Konfigurationsdatei und Geheimnis-Dateien (src/config). */
export const configUi: UiCatalog = {
  "config.invalid": "Die Konfigurationsdatei {path} ist ungültig: {issues}",
  "config.unknownKey.top": 'unbekannter Schlüssel "{key}" auf oberster Ebene',
  "config.unknownKey.account": 'unbekannter Schlüssel "{key}" im Konto "{account}" ({at})',
  "config.unknownKey.defaults": 'unbekannter Schlüssel "{key}" in defaults ({at})',
  "config.unknownKey.other": 'unbekannter Schlüssel "{key}" ({at})',
  "config.unknownKey.suggest": ' - meinten Sie "{suggestion}"?',
  "config.unknownKey.valid": " - gültige Schlüssel hier: {keys}",
  "config.unknownKey.why":
    "Unbekannte Schlüssel werden abgelehnt, damit ein Tippfehler nicht unbemerkt zu einem Standardwert führt (zum Beispiel POP3 statt IMAP).",
  "config.unknownKey.fix":
    "Den Schlüssel in {path} korrigieren oder entfernen; das mit xoauth-mail ausgelieferte JSON-Schema schema/config.schema.json nennt alle Schlüssel (Editoren mit YAML-Unterstützung prüfen die Datei schon beim Schreiben).",
  "config.account.unknown": 'Das Konto "{account}" steht nicht in {path} (Konten: {accounts})',
  "config.private.message":
    "Die Datei {path} ({what}, {flag}) ist für Gruppe oder andere lesbar (Rechte {mode}); eine Datei mit einem Geheimnis wird nur angenommen, wenn allein ihr Eigentümer sie lesen kann.",
  "config.private.why":
    "Jeder andere Benutzer dieses Rechners könnte das Geheimnis kopieren und damit jedes Postfach erreichen, auf das die App zugreifen darf.",
  "config.private.fix":
    "`chmod 600 {file}` ausführen (als Eigentümer oder root; gehört die Datei einem anderen Benutzer, sie zusätzlich mit `chown` dem Benutzer geben, unter dem xoauth-mail läuft).",
  "config.inline.message":
    "Die Konfigurationsdatei {path} enthält ein eingetragenes Geheimnis ({keys}) und ist für Gruppe oder andere lesbar (Rechte {mode}); eingetragene Geheimnisse werden nur angenommen, wenn allein der Eigentümer die Datei lesen kann.",
  "config.inline.fix":
    "`chmod 600 {file}` ausführen, oder das Geheimnis in eine eigene Datei (Rechte 0600) verschieben und darauf verweisen: `secret: {file: PFAD}` (oder `secret: {env: NAME}`).",
  "config.inline.windows":
    "Die Konfigurationsdatei {path} enthält ein eingetragenes Geheimnis ({keys}); unter Windows kann xoauth-mail nicht prüfen, wer eine Datei lesen darf, daher werden eingetragene Geheimnisse abgelehnt.",
  "config.inline.windows.fix":
    'Das Geheimnis in eine eigene Datei verschieben, mit `secret: {file: PFAD}` darauf verweisen und nur dem Konto, unter dem xoauth-mail läuft, das Lesen erlauben: `icacls PFAD /inheritance:r /grant:r "%USERNAME%:R"`.',
  "config.secret.empty": "Die Datei {path} ({what}, {flag}) ist leer oder enthält nur Leerzeilen.",
  "config.secret.lines":
    "Die Datei {path} ({what}, {flag}) enthält {count} nicht leere Zeilen; sie darf nur das Geheimnis ({what}) enthalten, in einer Zeile.",
  "config.secret.nul":
    "Die Datei {path} ({what}, {flag}) enthält NUL-Bytes: Sie ist weder UTF-8 noch UTF-16 mit Byte-Order-Mark.",
  "config.secret.fix":
    "Nur das Geheimnis ({what}) in {path} schreiben, in einer Zeile, als UTF-8- oder UTF-16-Text (Editor: Speichern unter, Codierung UTF-8), danach `chmod 600 {file}`.",
  "config.what.client secret": "geheimer Clientschlüssel",
  "config.what.certificate password": "Zertifikatskennwort",
  "config.what.certificate": "Zertifikat",
  "config.what.private key": "privater Schlüssel",
  "config.what.tenant ID": "Tenant-ID (Verzeichnis-ID)",
  "config.what.client ID": "Client-ID (Anwendungs-ID)",
  "config.missing":
    "Die {what} fehlt: {flag}, die Umgebungsvariable {env} oder `{key}` in der Konfigurationsdatei angeben.",
  "config.missing.inFile":
    "Die {what} fehlt: {flag}, die Umgebungsvariable {env} oder `{key}` in der Konfigurationsdatei {path} (Konto {account}) angeben.",
  "config.credential.missing":
    "Kein Client-Anmeldenachweis: --client-secret-file DATEI, AZURE_CLIENT_SECRET oder --certificate DATEI (AZURE_CLIENT_CERTIFICATE_PATH) angeben, oder `secret`/`certificate` in der Konfigurationsdatei.",
  "config.credential.missing.inFile":
    "Kein Client-Anmeldenachweis: --client-secret-file DATEI, AZURE_CLIENT_SECRET oder --certificate DATEI (AZURE_CLIENT_CERTIFICATE_PATH) angeben, oder `secret`/`certificate` in der Konfigurationsdatei {path} (Konto {account}).",
  "config.account.noConfig": "--account {account} braucht eine Konfigurationsdatei mit diesem Konto.",
  "config.all.noConfig": "--all braucht eine Konfigurationsdatei mit Konten.",
  "config.all.noAccounts": "--all braucht eine Konfigurationsdatei mit Konten; {path} enthält keine.",
  "config.notFound.why":
    "Keine Konfigurationsdatei gefunden: --config ist nicht angegeben, XOAUTH_MAIL_CONFIG ist nicht gesetzt und {path} gibt es nicht.",
  "config.notFound.fix":
    "`xoauth-mail init` ausführen (schreibt {path}) oder eine Konfigurationsdatei an anderer Stelle mit --config DATEI (oder XOAUTH_MAIL_CONFIG) angeben.",
};
