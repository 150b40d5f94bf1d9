/** Deutsche Texte für die Token-Phase (Identity Platform, Netzwerk zum Token-Endpunkt, Token-Inhalt, Konfiguration). */
import type { CodeCatalog, UiCatalog } from "../types.js";

const APP = "Entra Admin Center > Identität > Anwendungen > App-Registrierungen > (Ihre App, Client-ID {clientId})";

export const authCodes: CodeCatalog = {
  TENANT_NOT_FOUND: {
    summary: "Den Mandanten {tenantId} gibt es bei {authorityHost} nicht.",
    causes: [
      "Tippfehler in Mandanten-ID oder Domäne, oder der Mandant liegt in einer anderen nationalen Cloud.",
      "Die Domäne ist keine verifizierte Domäne des Mandanten.",
    ],
    fix: [
      "Verzeichnis-ID (Mandanten-ID) unter Entra Admin Center > Identität > Übersicht > Mandanten-ID kopieren und mit --tenant-id übergeben.",
      "Für US-Government- oder China-Mandanten --cloud usgov bzw. --cloud china angeben.",
    ],
  },
  TENANT_INVALID: {
    summary: "Die Mandantenangabe {tenantId} ist für App-only-Token nicht verwendbar.",
    causes: [
      "Der Wert ist weder eine Mandanten-GUID noch ein verifizierter Domänenname (z. B. contoso.onmicrosoft.com).",
    ],
    fix: ["Mandanten-ID aus Entra Admin Center > Identität > Übersicht > Mandanten-ID verwenden: --tenant-id <GUID>."],
  },
  WRONG_CLOUD: {
    summary: "Der Mandant {tenantId} gehört zu einer anderen nationalen Cloud als {authorityHost}.",
    causes: ["Der Mandant liegt in Azure US Government oder Azure China (21Vianet) bzw. umgekehrt."],
    fix: [
      "--cloud usgov (login.microsoftonline.us) oder --cloud china (login.partner.microsoftonline.cn) angeben, oder --authority-host setzen.",
    ],
  },
  APP_NOT_FOUND: {
    summary: "Im Mandanten {tenantId} gibt es keine Anwendung mit der Client-ID {clientId}.",
    causes: [
      "Die Client-ID ist falsch (z. B. die Objekt-ID kopiert) oder die App ist in einem anderen Mandanten registriert.",
      "Die App wurde gerade erst angelegt und ist noch nicht repliziert (eine Minute warten).",
    ],
    fix: [
      `Anwendungs-ID (Client-ID) unter ${APP} > Übersicht kopieren und prüfen, dass die Mandanten-ID zum selben Verzeichnis gehört.`,
    ],
  },
  CLIENT_SECRET_INVALID: {
    summary: "Der geheime Clientschlüssel wurde für die App {clientId} abgelehnt.",
    causes: ["Der Schlüssel ist vertippt, abgeschnitten oder gehört zu einer anderen App-Registrierung."],
    fix: [
      `Neuen Schlüssel anlegen unter ${APP} > Zertifikate & Geheimnisse > Geheime Clientschlüssel > Neuer geheimer Clientschlüssel und dessen Wert kopieren (wird nur einmal angezeigt).`,
    ],
  },
  CLIENT_SECRET_EXPIRED: {
    summary: "Der geheime Clientschlüssel der App {clientId} ist abgelaufen.",
    causes: ["Geheime Clientschlüssel haben ein Ablaufdatum (höchstens 24 Monate)."],
    fix: [
      `Neuen Schlüssel anlegen unter ${APP} > Zertifikate & Geheimnisse > Geheime Clientschlüssel > Neuer geheimer Clientschlüssel, den Wert kopieren und --client-secret-file / AZURE_CLIENT_SECRET aktualisieren.`,
    ],
  },
  CLIENT_CREDENTIAL_MISSING: {
    summary: "Die Token-Anfrage enthielt weder einen geheimen Clientschlüssel noch eine Client-Assertion.",
    causes: ["Der Schlüssel ist leer, oder ein Proxy hat den Anfrageinhalt entfernt."],
    fix: ["--client-secret-file PFAD, AZURE_CLIENT_SECRET oder --certificate PFAD angeben."],
  },
  CERTIFICATE_INVALID: {
    summary: "Das Zertifikat wurde für die App {clientId} abgelehnt.",
    causes: [
      "Das Zertifikat ist nicht in der App-Registrierung hochgeladen, oder mit einem anderen Zertifikat/Schlüssel signiert.",
      "Das Zertifikat ist abgelaufen.",
    ],
    fix: [
      `Zertifikat (öffentlicher Teil, .cer/.pem) hochladen unter ${APP} > Zertifikate & Geheimnisse > Zertifikate > Zertifikat hochladen und den Fingerabdruck vergleichen.`,
    ],
  },
  CLOCK_SKEW: {
    summary: "Die Client-Assertion lag außerhalb ihres Gültigkeitszeitraums.",
    causes: ["Die Uhr dieses Rechners geht um mehrere Minuten falsch."],
    fix: ["Uhr synchronisieren: `timedatectl set-ntp true` (oder `chronyc makestep`), dann erneut versuchen."],
  },
  SCOPE_INVALID: {
    summary: "Der Scope {scope} ist für Client Credentials ungültig.",
    causes: ["Client Credentials brauchen `<Ressource>/.default`, z. B. https://outlook.office365.com/.default."],
    fix: ["--scope weglassen oder --scope https://outlook.office365.com/.default verwenden."],
  },
  RESOURCE_NOT_FOUND: {
    summary: "Die Ressource aus dem Scope {scope} gibt es im Mandanten {tenantId} nicht.",
    causes: ["Tippfehler in der Ressourcen-URL des Scopes, oder Exchange Online ist im Mandanten nicht lizenziert."],
    fix: ["--scope https://outlook.office365.com/.default verwenden (Standard)."],
  },
  APP_DISABLED: {
    summary: "Die Anwendung {clientId} ist im Mandanten {tenantId} deaktiviert.",
    causes: ["Ein Administrator hat die Anmeldung für die Unternehmensanwendung deaktiviert."],
    fix: [
      "Entra Admin Center > Identität > Anwendungen > Unternehmensanwendungen > (App {clientId}) > Eigenschaften > Aktiviert für die Benutzeranmeldung? = Ja.",
    ],
  },
  CONDITIONAL_ACCESS_BLOCKED: {
    summary: "Eine Richtlinie für bedingten Zugriff hat die Token-Anfrage der App {clientId} blockiert.",
    causes: ["Eine Richtlinie für Workload-Identitäten sperrt diese App, z. B. nach Standort oder IP-Bereich."],
    fix: [
      "Unter Entra Admin Center > Identität > Überwachung und Integrität > Anmeldeprotokolle > Dienstprinzipalanmeldungen die fehlgeschlagene Anfrage und die blockierende Richtlinie prüfen.",
    ],
  },
  THROTTLED: {
    summary: "Die Identity Platform drosselt Token-Anfragen der App {clientId}.",
    causes: ["Zu viele gleiche Token-Anfragen in kurzer Zeit (Token werden nicht zwischengespeichert)."],
    fix: ["Einige Minuten warten; --no-cache nicht in Schleifen verwenden, damit das gespeicherte Token genutzt wird."],
  },
  TOKEN_ENDPOINT_UNREACHABLE: {
    summary: "Der Token-Endpunkt {host}:{port} ist nicht erreichbar.",
    causes: ["DNS, Firewall oder Proxy-Einstellungen verhindern die Verbindung."],
    fix: [
      "`curl -v https://{host}:{port}/` prüfen; hinter einem Proxy HTTPS_PROXY oder --proxy http://proxy:3128 setzen.",
    ],
  },
  TOKEN_ENDPOINT_ERROR: {
    summary: "Der Token-Endpunkt meldet einen Fehler, den xoauth-mail nicht kennt.",
    causes: [
      "Die Antwort enthielt keine AADSTS-Fehlernummer (eine Störung des Dienstes, oder ein Proxy bzw. eine Firewall hat an seiner Stelle geantwortet).",
    ],
    fix: [
      "In einigen Minuten erneut versuchen und https://status.cloud.microsoft/ prüfen; bleibt der Fehler, prüfen, ob --authority-host stimmt und kein Proxy bzw. keine Firewall die Antwort verändert (die Serverantwort zeigt, was zurückkam).",
    ],
  },
  TLS_UNTRUSTED: {
    summary: "Dem TLS-Zertifikat von {host}:{port} wird nicht vertraut.",
    causes: ["Ein TLS-prüfender Proxy oder eine Firewall ersetzt Zertifikate durch solche einer privaten CA."],
    fix: ["Dieser CA zusätzlich zu den System-CAs vertrauen: --ca-file /pfad/zu/ca.pem (oder NODE_EXTRA_CA_CERTS)."],
  },
  TLS_HOSTNAME_MISMATCH: {
    summary: "Das TLS-Zertifikat von {host}:{port} lautet auf einen anderen Hostnamen.",
    causes: ["Hostname oder --authority-host ist falsch, oder ein Proxy fängt die Verbindung ab."],
    fix: ["Hostnamen in --authority-host prüfen; den Namen verwenden, auf den das Zertifikat ausgestellt ist."],
  },
  TIMEOUT: {
    summary: "Zeitüberschreitung bei der Verbindung zu {host}:{port}.",
    causes: ["Eine Firewall verwirft die Pakete, oder ein Proxy ist nötig."],
    fix: ["Verbindung prüfen; hinter einem Proxy HTTPS_PROXY oder --proxy setzen."],
  },
  PERMISSION_MISSING: {
    summary: "Dem Token fehlt die Anwendungsberechtigung, die das Protokoll braucht.",
    causes: ["Die API-Berechtigung wurde nicht hinzugefügt oder die Administratorzustimmung nicht erteilt."],
    fix: [
      `${APP} > API-Berechtigungen > Berechtigung hinzufügen > Von meiner Organisation verwendete APIs > Office 365 Exchange Online > Anwendungsberechtigungen > POP.AccessAsApp / IMAP.AccessAsApp / SMTP.SendAsApp, dann Administratorzustimmung erteilen.`,
    ],
  },
  WRONG_AUDIENCE: {
    summary: "Das Token ist nicht für Exchange Online ausgestellt.",
    causes: ["Es wurde der falsche Scope angefordert (z. B. Microsoft Graph)."],
    fix: ["--scope https://outlook.office365.com/.default verwenden (Standard)."],
  },
  TOKEN_EXPIRED: {
    summary: "Das Token ist abgelaufen.",
    causes: ["Es wurde zu lange zwischengespeichert, oder die Uhr geht falsch."],
    fix: ["Mit --no-cache erneut ausführen; die Uhr mit `timedatectl` prüfen."],
  },
  CONFIG_INVALID: {
    summary: "Die Konfiguration ist ungültig.",
    causes: ["Ein Wert in der Konfigurationsdatei, einer Option oder einer Umgebungsvariable ist falsch."],
    fix: [
      "Korrigieren Sie den in der Meldung genannten Wert; `xoauth-mail {command} --help` zeigt die Optionen jedes Befehls.",
    ],
  },
  USAGE: {
    summary: "Die Befehlszeile ist unvollständig oder fehlerhaft.",
    causes: ["Eine notwendige Option fehlt oder hat einen falschen Wert."],
    fix: ["Optionen und Beispiele des aufgerufenen Befehls zeigt `xoauth-mail {command} --help`."],
  },
};

export const authUi: UiCatalog = {
  "tls.envIgnored":
    "NODE_TLS_REJECT_UNAUTHORIZED=0 ist gesetzt und wird ignoriert: xoauth-mail prüft TLS-Zertifikate immer (Token-Endpunkt, Proxy, Mailserver). Für eine eigene oder TLS-prüfende CA --ca-file verwenden (oder caFile, NODE_EXTRA_CA_CERTS).",
  "auth.noAnswer.why":
    "Die Verbindung zu {host}:{port} stand und die Anfrage wurde gesendet, aber innerhalb von {seconds} s kam keine Antwort: Der Endpunkt ist überlastet, oder ein Proxy bzw. eine Firewall hält die Antwort zurück.",
  "auth.noAnswer.fix":
    "Erneut versuchen; tritt es wiederholt auf, https://status.cloud.microsoft/ und jeden TLS-prüfenden Proxy bzw. jede Firewall zwischen diesem Host und {host} prüfen.",
  "auth.unknownAadsts.why":
    "Microsoft hat mit AADSTS{aadsts} geantwortet, für den xoauth-mail keinen eigenen Hinweis hat; die Serverantwort nennt die Ursache.",
  "auth.unknownAadsts.fix": "AADSTS{aadsts} nachschlagen: https://login.microsoftonline.com/error?code={aadsts}",
  "auth.proxy.why":
    "Die Verbindung zum HTTPS-Proxy {proxy} ist fehlgeschlagen, bevor der Token-Endpunkt erreicht wurde: Der Proxy läuft nicht, oder die Proxy-Adresse ist falsch.",
  "auth.proxy.fix":
    "Die Proxy-Adresse in --proxy bzw. in der Umgebungsvariablen HTTPS_PROXY / https_proxy prüfen (z. B. `curl -v -x {proxy} https://login.microsoftonline.com/`); ist der Token-Endpunkt ohne Proxy erreichbar, seinen Host in NO_PROXY eintragen oder die Proxy-Einstellung entfernen.",
  "auth.tokenEndpointError": "der Token-Endpunkt hat die Anfrage abgelehnt",
  "auth.secretIdHint.why":
    "Der angegebene Schlüssel sieht aus wie eine GUID: das ist die ID des geheimen Schlüssels, nicht sein Wert (der Wert ist eine etwa 40 Zeichen lange Zeichenkette, die nur einmal angezeigt wird).",
  "auth.secretIdHint.fix":
    "Entra Admin Center > Identität > Anwendungen > App-Registrierungen > (App {clientId}) > Zertifikate & Geheimnisse > Geheime Clientschlüssel > Neuer geheimer Clientschlüssel; die Spalte „Wert“ kopieren, nicht die „Geheime ID“.",
  "auth.multiTenant.why": "Die Endpunkte /common und /organizations stellen keine App-only-Token aus.",
  "auth.multiTenant.fix":
    "Die Mandanten-ID verwenden: Entra Admin Center > Identität > Übersicht > Mandanten-ID, dann --tenant-id <diese GUID>.",
};
