import type { CodeCatalog, UiCatalog } from "../types.js";

/** `init` hat keine eigenen Fehlercodes. */
export const initCodes: CodeCatalog = {};

/** Deutsche Eingabeaufforderungen und Meldungen von `xoauth-mail init`. Schlüssel wie in ../en/init.ts. */
export const initUi: UiCatalog = {
  "init.title":
    "xoauth-mail init: App-only-Zugriff auf ein Exchange-Online-Postfach einrichten. Strg-C bricht ab; geschrieben wird erst am Ende.",
  "init.ask.tenant": "Verzeichnis-ID (Tenant-ID): eine GUID oder eine Domäne wie contoso.onmicrosoft.com",
  "init.ask.client": "Anwendungs-ID (Client-ID) der App-Registrierung",
  "init.ask.credKind": "Wie meldet sich die App an?",
  "init.cred.secret": "Geheimer Clientschlüssel (sein Wert, nicht die Geheimnis-ID)",
  "init.cred.certificate": "Zertifikat (PEM-Datei mit Zertifikat und privatem Schlüssel)",
  "init.ask.secret": "Wert des geheimen Clientschlüssels (verdeckte Eingabe)",
  "init.ask.certPath": "Pfad der PEM-Datei (Zertifikat + privater Schlüssel)",
  "init.ask.certPassword": "Kennwort des privaten Schlüssels (leer, wenn keins)",
  "init.ask.mailbox": "Postfach (primäre SMTP-Adresse)",
  "init.ask.protocol": "Protokoll",
  "init.ask.overwrite": 'Das Konto "{account}" gibt es in {path} schon. Ersetzen?',
  "init.exists":
    'Das Konto "{account}" gibt es in {path} schon; mit --yes wird es ersetzt, mit --account NAME ein weiteres angelegt.',
  "init.what.tenant": "die Tenant-ID",
  "init.what.client": "die Client-ID",
  "init.what.credential": "die Anmeldeinformation der App",
  "init.what.mailbox": "das Postfach",
  "init.missing.flag": "Es fehlt {what}: bitte {flag} angeben (im nicht-interaktiven Modus wird nichts gefragt).",
  "init.invalid.empty": "Bitte einen Wert eingeben.",
  "init.invalid.tenant":
    '"{value}" ist keine Tenant-ID: die GUID aus Entra Admin Center > Übersicht > Mandanten-ID eingeben oder eine verifizierte Domäne wie contoso.onmicrosoft.com.',
  "init.invalid.multiTenant":
    '"{value}" ist ein mandantenübergreifender Alias; App-only-Tokens brauchen den Tenant selbst (GUID oder Domäne).',
  "init.invalid.client":
    '"{value}" ist keine GUID: die Anwendungs-ID (Client-ID) aus App-Registrierungen > Ihre App > Übersicht verwenden.',
  "init.invalid.mailbox":
    '"{value}" ist keine E-Mail-Adresse: die primäre SMTP-Adresse eingeben, z. B. info@contoso.com.',
  "init.tenant.found": "✓ Tenant {tenant} gefunden (Tenant-ID {tenantId})",
  "init.token.again": "Bitte noch einmal eingeben.",
  "init.token.ok": "✓ Token erhalten: appid {appid}, Rollen {roles}, läuft in {minutes} Min. ab",
  "init.token.noRoles": "(keine: Administratorzustimmung fehlt)",
  "init.token.noRolesGraph":
    "(keine: Administratorzustimmung für eine Mail.*-Berechtigung fehlt; eine Zuweisung über RBAC for Applications steht nicht im Token, der Test unten prüft sie)",
  "init.graph.serverFlags":
    "--host, --port und --tls legen einen POP3-/IMAP-/SMTP-Server fest; Microsoft Graph wird über seine API-Adresse erreicht: --graph-url angeben (oder ohne Angabe die der Cloud).",
  "init.graph.urlFlag":
    "--graph-url gilt nur mit --protocol graph, nicht mit {protocol}: weglassen oder --protocol graph wählen.",
  "init.written": '✓ Konfiguration geschrieben: {path} (Konto "{account}")',
  "init.secretWritten": "✓ Geheimer Clientschlüssel in {path} abgelegt (Modus 0600), in der Konfiguration referenziert",
  "init.missing.title": "Noch von einem Admin zu erledigen ({code}): {summary}",
  "init.missing.then": "Danach erneut prüfen: xoauth-mail test --config {path} --no-cache",
  "init.ready": "Fertig. Verwendung: xoauth-mail test --config {path}   (ebenso fetch / send / proxy mit --config)",
  "init.aborted": "Abgebrochen; es wurde nichts geschrieben.",
};
