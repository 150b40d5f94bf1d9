/** Deutsche Texte der Diagnose (src/diagnose). Schlüssel wie in ../en/diagnose.ts. */
import type { CodeCatalog, CodeText, UiCatalog } from "../types.js";
import { graphVariants } from "./diagnose-graph.js";

const EXO_CONNECT =
  "Connect-ExchangeOnline   # als Exchange-Admin des Tenants {tenantId} (Modul ExchangeOnlineManagement)";
const CHECK_SP = "Get-ServicePrincipal | Where-Object AppId -eq '{appid}' | Format-List DisplayName,AppId,ObjectId";
const NEW_SP = "New-ServicePrincipal -AppId {appid} -ObjectId {oid}";
const WAIT = "Exchange braucht für Berechtigungsänderungen bis zu ~30 Minuten; danach den Test wiederholen.";
const API_PERMS =
  "Entra Admin Center > App-Registrierungen > {appid} > API-Berechtigungen > Berechtigung hinzufügen > Von meiner Organisation verwendete APIs > Office 365 Exchange Online > Anwendungsberechtigungen > {role} > Berechtigungen hinzufügen";
const CONSENT =
  "Gleiche Seite: 'Administratorzustimmung für <Ihre Organisation> erteilen' (Tenant {tenantId}); der Status muss 'Gewährt' zeigen.";
const FRESH =
  "Danach ein frisches Token holen (zwischengespeicherte Tokens behalten die alten Claims): xoauth-mail test --mailbox {mailbox} --no-cache";

const protocolVariants: Record<string, CodeText> = {
  OK: {
    summary: "{protocolName}-Anmeldung mit XOAUTH2 an {mailbox} über {host}:{port} funktioniert.",
    causes: [],
    fix: [],
  },
  WRONG_AUDIENCE: {
    summary:
      "Das Token ist nicht für Exchange Online ausgestellt (aud {aud}): Es wurde mit dem falschen Scope ({requestedScope}) angefordert, der Mailserver wird es ablehnen.",
    causes: [
      "Ein falscher --scope (oder Scope in der Konfigurationsdatei) ist gesetzt; Exchange braucht {scope}.",
      "Das Token stammt aus dem Cache-Eintrag oder der App einer anderen Ressource.",
    ],
    fix: ["Den Exchange-Scope anfordern: --scope weglassen (der Standard stimmt) oder --scope {scope} angeben", FRESH],
  },
  "WRONG_AUDIENCE.graph": {
    summary:
      "Das Token ist für Microsoft Graph (aud {aud}), nicht für Exchange Online: Es wurde mit dem Graph-Scope ({requestedScope}) angefordert.",
    causes: [
      "--scope (oder die Konfigurationsdatei) steht auf https://graph.microsoft.com/.default; POP, IMAP und SMTP brauchen {scope}.",
      "Vermutlich wurden die Mail-Berechtigungen auch unter Microsoft Graph eingetragen: IMAP.AccessAsUser.All / SMTP.Send von Graph sind delegierte Berechtigungen und funktionieren nicht app-only.",
    ],
    fix: [
      "Den Exchange-Scope anfordern: --scope weglassen (der Standard stimmt) oder --scope {scope} angeben",
      API_PERMS,
      CONSENT,
      FRESH,
    ],
  },
  TOKEN_EXPIRED: {
    summary: "Das Access Token ist seit {minutesAgo} Min. abgelaufen (Claim exp), deshalb lehnt der Mailserver es ab.",
    causes: [
      "Ein Token aus einem Cache oder einer Datei wurde nach Ablauf seiner Lebensdauer (ca. 60-90 Minuten) wiederverwendet.",
      "Die Uhr dieses Rechners geht falsch (geht sie vor, wirken Tokens abgelaufen).",
    ],
    fix: [
      "Frisches Token holen: xoauth-mail test --mailbox {mailbox} --no-cache",
      "Uhrzeit gegen NTP prüfen: timedatectl status (Linux) bzw. w32tm /query /status (Windows)",
    ],
  },
  PERMISSION_MISSING: {
    summary:
      "Dem Token fehlt die Rolle {role} (Rollen: {roles}), deshalb wird Exchange die {protocolName}-Anmeldung ablehnen: Die Anwendungsberechtigung fehlt oder hat keine Administratorzustimmung.",
    causes: [
      "Die Anwendungsberechtigung {role} von 'Office 365 Exchange Online' wurde der App {appid} nie hinzugefügt.",
      "Sie wurde hinzugefügt, aber die Administratorzustimmung fehlt.",
      "Sie wurde als delegierte Berechtigung (oder unter Microsoft Graph) statt als Exchange-Anwendungsberechtigung eingetragen.",
    ],
    fix: [API_PERMS, CONSENT, FRESH],
  },
  "PERMISSION_MISSING.noRoles": {
    summary:
      "Das Token enthält überhaupt keinen roles-Claim: Für die App {appid} wurde nie eine Administratorzustimmung erteilt, Exchange wird jede Anmeldung ablehnen.",
    causes: [
      "Die Administratorzustimmung für die Anwendungsberechtigungen wurde nie erteilt (Status 'Nicht gewährt').",
      "Die Berechtigungen wurden als delegierte Berechtigungen oder unter Microsoft Graph eingetragen, nicht als Exchange-Anwendungsberechtigungen.",
    ],
    fix: [API_PERMS, CONSENT, FRESH],
  },
  MAIL_SERVER_UNREACHABLE: {
    summary: "Keine Verbindung zu {host}:{port}: {errorMessage}",
    causes: [
      "Falscher Host oder Port: Exchange Online nutzt outlook.office365.com (POP3 995, IMAP 993) und smtp.office365.com (SMTP 587).",
      "Eine Firewall oder das Netz blockiert ausgehendes TCP {port}.",
      "DNS kann {host} von diesem Rechner aus nicht auflösen.",
    ],
    fix: [
      "Von diesem Rechner aus testen: nc -vz {host} {port}   (Windows: Test-NetConnection {host} -Port {port})",
      "Die Standardwerte nutzen (--host/--port weglassen) oder setzen: --host outlook.office365.com --port 995",
      "Beim Netzwerkteam ausgehendes TCP {port} zu {host} freischalten lassen.",
    ],
  },
  TIMEOUT: {
    summary: "{host}:{port} hat nicht rechtzeitig geantwortet (Schritt: {stepName}).",
    causes: [
      "Eine Firewall verwirft die Pakete stillschweigend.",
      "Der TLS-Modus passt nicht zum Port (--tls {tls} auf Port {port}): Implicit TLS ist 995/993/465, STARTTLS ist 110/143/587.",
      "Server oder Netz sind überlastet; später erneut versuchen.",
    ],
    fix: [
      "Port testen: nc -vz {host} {port}   (Windows: Test-NetConnection {host} -Port {port})",
      "--port und --tls prüfen oder weglassen, um die Exchange-Online-Standardwerte zu nutzen.",
      "Mit --verbose wiederholen, um zu sehen, wo das Gespräch hängt.",
    ],
  },
  SERVER_BUSY: {
    summary:
      "{host}:{port} lehnt {protocolName} im Moment ab (Schritt: {stepName}): {serverReply}. Das ist vorübergehend und kein Berechtigungsproblem.",
    causes: [
      "Zu viele gleichzeitige Verbindungen zu diesem Postfach, von dieser Anwendung oder dieser IP-Adresse (andere Mailprogramme, andere xoauth-mail-Läufe oder nicht geschlossene Verbindungen): das Verbindungslimit des Servers pro Postfach ist erreicht.",
      "Der Server ist ausgelastet oder drosselt dieses Postfach oder diese Anwendung (Exchange Online begrenzt Verbindungen und Anfragen pro Postfach).",
    ],
    fix: [
      "Einige Minuten warten und erneut ausführen; `xoauth-mail fetch` wiederholt das selbst mit wachsendem Abstand.",
      "Andere Sitzungen von {mailbox} schließen: andere Mailprogramme, parallele fetch-Jobs (je Postfach nur ein fetch gleichzeitig), hängende Prozesse, die eine Verbindung halten.",
      "Keine Berechtigungs- oder Einrichtungsänderung hilft hier: New-ServicePrincipal oder Add-MailboxPermission deswegen nicht erneut ausführen.",
    ],
  },
  TLS_UNTRUSTED: {
    summary: "Dem TLS-Zertifikat von {host}:{port} wird nicht vertraut: {certProblem}.",
    causes: [
      "Ein TLS-inspizierender Proxy oder eine Firewall ersetzt das Zertifikat des Servers durch ein eigenes.",
      "Der Server nutzt eine private oder Test-CA, die dieser Rechner nicht kennt.",
      "Der CA-Speicher des Systems ist veraltet oder das Serverzertifikat ist abgelaufen.",
    ],
    fix: [
      "Dieser CA zusätzlich zu den System-CAs vertrauen: --ca-file /pfad/zur/ca.pem (oder NODE_EXTRA_CA_CERTS); die Prüfung nie abschalten.",
      "Kette ansehen: openssl s_client {opensslConnect} -showcerts",
    ],
  },
  "TLS_UNTRUSTED.dates": {
    summary: "Dem TLS-Zertifikat von {host}:{port} wird nicht vertraut: {certProblem}.",
    causes: [
      "Das Zertifikat des Servers liegt außerhalb seiner Gültigkeit: abgelaufen (nicht rechtzeitig erneuert) oder noch nicht gültig.",
      "Die Uhr dieses Rechners geht falsch.",
    ],
    fix: [
      "Gültigkeit des Zertifikats ansehen: openssl s_client {opensslConnect} </dev/null | openssl x509 -noout -dates",
      "Datum und Uhrzeit dieses Rechners prüfen (date; Windows: Get-Date) und die Zeitsynchronisation (NTP).",
      "Sind die Daten vorbei: den Betreiber des Servers bitten, das Zertifikat zu erneuern; die Prüfung nie abschalten.",
    ],
  },
  TLS_HOSTNAME_MISMATCH: {
    summary: "Das TLS-Zertifikat von {host}:{port} ist nicht auf den Namen {host} ausgestellt: {certProblem}.",
    causes: [
      "Die Verbindung läuft über eine IP-Adresse oder einen Alias statt über den Namen im Zertifikat.",
      "Ein Proxy oder eine Firewall fängt die Verbindung ab.",
    ],
    fix: [
      "Den offiziellen Hostnamen verwenden: --host outlook.office365.com (POP3/IMAP) bzw. --host smtp.office365.com (SMTP).",
      "Namen im Zertifikat anzeigen: openssl s_client {opensslConnect} </dev/null | openssl x509 -noout -ext subjectAltName",
    ],
  },
  XOAUTH2_NOT_OFFERED: {
    summary: "{host}:{port} bietet SASL XOAUTH2 nicht an ({errorMessage}).",
    causes: [
      "Das ist nicht Exchange Online (falscher Host, oder ein On-Premises- bzw. anderer Mailserver).",
      "SMTP bietet AUTH erst nach STARTTLS an: --tls {tls} und den Port prüfen.",
      "Ein Proxy oder eine Firewall filtert die Capabilities heraus.",
    ],
    fix: [
      "Die Exchange-Online-Endpunkte verwenden: outlook.office365.com 995 (POP3) / 993 (IMAP), smtp.office365.com 587 --tls starttls (SMTP).",
      "Mit --verbose wiederholen, um die angekündigten Capabilities zu sehen.",
    ],
  },
  MAILBOX_ACCESS_DENIED: {
    summary: "Der Mailserver hat die XOAUTH2-Anmeldung für {mailbox} über {protocolName} abgelehnt ({serverReply}).",
    causes: [
      "Der Dienstprinzipal der App ist in Exchange Online nicht registriert (New-ServicePrincipal wurde für die App {appid} nie ausgeführt).",
      "Er wurde mit der Objekt-ID der App-Registrierung statt der der Unternehmensanwendung registriert: Exchange muss die ObjectId {oid} kennen (der oid-Claim des Tokens).",
      "Der Dienstprinzipal hat keine FullAccess-Berechtigung auf {mailbox}.",
      "Das Postfach {mailbox} existiert nicht, oder das ist nicht seine primäre SMTP-Adresse.",
      "{protocolName} ist auf dem Postfach deaktiviert ({casFlag} ist False).",
    ],
    fix: [
      EXO_CONNECT,
      `Registrierung prüfen (ObjectId muss {oid} sein): ${CHECK_SP}`,
      `Nicht registriert: ${NEW_SP}`,
      `Mit anderer ObjectId registriert: Remove-ServicePrincipal -Identity <diese ObjectId>; danach ${NEW_SP}`,
      "Postfachberechtigung prüfen: Get-MailboxPermission -Identity {mailbox} -User {oid}",
      "Erteilen: Add-MailboxPermission -Identity {mailbox} -User {oid} -AccessRights FullAccess",
      "Adresse und Protokoll prüfen: Get-CASMailbox -Identity {mailbox} | Format-List PrimarySmtpAddress,{casFlag}",
      "{protocolName} aktivieren: Set-CASMailbox -Identity {mailbox} -{casFlag} $true",
      WAIT,
    ],
  },
  "MAILBOX_ACCESS_DENIED.smtp": {
    summary: "Der Mailserver hat SMTP AUTH XOAUTH2 für {mailbox} abgelehnt ({serverReply}).",
    causes: [
      "Der Dienstprinzipal der App ist in Exchange Online nicht registriert (New-ServicePrincipal wurde für die App {appid} nie ausgeführt).",
      "Er wurde mit der Objekt-ID der App-Registrierung statt der der Unternehmensanwendung registriert: Exchange muss die ObjectId {oid} kennen (der oid-Claim des Tokens).",
      "Der Dienstprinzipal hat weder SendAs noch FullAccess auf {mailbox}.",
      "Das Postfach {mailbox} existiert nicht, oder das ist nicht seine primäre SMTP-Adresse.",
    ],
    fix: [
      EXO_CONNECT,
      `Registrierung prüfen (ObjectId muss {oid} sein): ${CHECK_SP}`,
      `Nicht registriert: ${NEW_SP}`,
      `Mit anderer ObjectId registriert: Remove-ServicePrincipal -Identity <diese ObjectId>; danach ${NEW_SP}`,
      "Prüfen: Get-RecipientPermission -Identity {mailbox} -Trustee {oid}; Get-MailboxPermission -Identity {mailbox} -User {oid}",
      "SendAs erteilen: Add-RecipientPermission -Identity {mailbox} -Trustee {oid} -AccessRights SendAs -Confirm:$false",
      "Adresse prüfen: Get-Mailbox -Identity {mailbox} | Format-List PrimarySmtpAddress",
      WAIT,
    ],
  },
  MAILBOX_NOT_CONNECTED: {
    summary:
      "Exchange hat die XOAUTH2-Anmeldung für {mailbox} angenommen, dann aber 'User is authenticated but not connected.' geantwortet: Die App darf sich anmelden, aber dieses Postfach nicht öffnen.",
    causes: [
      "Der Dienstprinzipal (ObjectId {oid}) hat keine FullAccess-Berechtigung auf {mailbox}.",
      "Der Dienstprinzipal wurde mit der Objekt-ID der App-Registrierung statt der der Unternehmensanwendung ({oid}) registriert.",
      "IMAP ist auf dem Postfach deaktiviert (ImapEnabled ist False).",
      "Eine Änderung der letzten ~30 Minuten ist noch nicht wirksam (kommt auch vorübergehend bei vielen parallelen Verbindungen vor).",
    ],
    fix: [
      EXO_CONNECT,
      "Prüfen: Get-MailboxPermission -Identity {mailbox} -User {oid}",
      "Erteilen: Add-MailboxPermission -Identity {mailbox} -User {oid} -AccessRights FullAccess",
      `Registrierung prüfen (ObjectId muss {oid} sein): ${CHECK_SP}`,
      "IMAP prüfen: Get-CASMailbox -Identity {mailbox} | Format-List ImapEnabled; aktivieren: Set-CASMailbox -Identity {mailbox} -ImapEnabled $true",
      WAIT,
    ],
  },
  SMTP_AUTH_DISABLED: {
    summary:
      "Exchange hat SMTP AUTH mit 5.7.139 abgelehnt: Die SMTP-Client-Authentifizierung ist deaktiviert ({serverReply}).",
    causes: [
      "SMTP AUTH ist für den ganzen Tenant deaktiviert (Standard bei neuen Tenants).",
      "SMTP AUTH ist auf dem Postfach {mailbox} deaktiviert.",
    ],
    fix: [
      EXO_CONNECT,
      "Prüfen: Get-TransportConfig | Format-List SmtpClientAuthenticationDisabled; Get-CASMailbox -Identity {mailbox} | Format-List SmtpClientAuthenticationDisabled",
      "Nur für dieses Postfach aktivieren (hat Vorrang vor der Tenant-Einstellung): Set-CASMailbox -Identity {mailbox} -SmtpClientAuthenticationDisabled $false",
      "Oder tenantweit: Set-TransportConfig -SmtpClientAuthenticationDisabled $false",
      WAIT,
    ],
  },
  "SMTP_AUTH_DISABLED.mailbox": {
    summary:
      "Exchange hat SMTP AUTH mit 5.7.139 abgelehnt: Die SMTP-Client-Authentifizierung ist für das Postfach {mailbox} deaktiviert ({serverReply}).",
    causes: [
      "SMTP AUTH ist auf dem Postfach {mailbox} deaktiviert (Set-CASMailbox -SmtpClientAuthenticationDisabled $true).",
      "SMTP AUTH ist tenantweit deaktiviert und das Postfach folgt der Tenant-Einstellung.",
    ],
    fix: [
      EXO_CONNECT,
      "Prüfen: Get-CASMailbox -Identity {mailbox} | Format-List SmtpClientAuthenticationDisabled",
      "Aktivieren: Set-CASMailbox -Identity {mailbox} -SmtpClientAuthenticationDisabled $false",
      WAIT,
    ],
  },
  SEND_AS_DENIED: {
    summary: "Die Anmeldung hat funktioniert, aber Exchange verweigert das Senden als {mailbox} ({serverReply}).",
    causes: [
      "Der Dienstprinzipal (ObjectId {oid}) hat kein SendAs auf {mailbox} (FullAccess allein erlaubt kein Senden).",
      "Die Absenderadresse weicht vom angemeldeten Postfach {mailbox} ab.",
      "Eine Änderung der letzten ~30 Minuten ist noch nicht wirksam.",
    ],
    fix: [
      EXO_CONNECT,
      "Prüfen: Get-RecipientPermission -Identity {mailbox} -Trustee {oid}",
      "Erteilen: Add-RecipientPermission -Identity {mailbox} -Trustee {oid} -AccessRights SendAs -Confirm:$false",
      WAIT,
    ],
  },
  "SEND_AS_DENIED.graph": {
    summary: "Microsoft Graph verweigert das Senden als {from} aus dem Postfach {mailbox} (ErrorSendAsDenied).",
    causes: [
      "Die Absenderadresse (From) {from} ist nicht das Postfach {mailbox}, und {mailbox} hat kein Senden-als (oder Senden im Auftrag von) auf {from}: bei Graph sendet das Postfach aus der Anfrage, nicht die App.",
      "Eine Änderung der letzten ~30 Minuten ist noch nicht wirksam.",
    ],
    fix: [
      EXO_CONNECT,
      "Prüfen: Get-RecipientPermission -Identity {from} -Trustee {mailbox}",
      "Erteilen: Add-RecipientPermission -Identity {from} -Trustee {mailbox} -AccessRights SendAs -Confirm:$false",
      "Oder direkt aus dem Postfach {from} senden: --mailbox {from} (eine App mit der Anwendungsberechtigung Mail.Send darf aus jedem Postfach in ihrem Bereich senden).",
      WAIT,
    ],
  },
  PROTOCOL_ERROR: {
    summary: "Unerwartete Antwort von {host}:{port} im Schritt '{stepName}': {serverReply}",
    causes: [
      "Unter {host}:{port} läuft kein {protocolName}-Server, oder der TLS-Modus stimmt nicht (--tls {tls}).",
      "Ein Proxy oder eine Firewall stört die Verbindung.",
    ],
    fix: [
      "Mit --verbose wiederholen, um das Protokoll zu sehen.",
      "Ports: POP3 995 implicit / 110 starttls; IMAP 993 / 143; SMTP 587 starttls / 465 implicit.",
    ],
  },
};

/** Alle Regelvarianten: die der Mailprotokolle und die von Microsoft Graph. */
export const variants: Record<string, CodeText> = { ...protocolVariants, ...graphVariants };

/** Katalogtexte der Codes dieses Bereichs (die Basisvarianten). */
export const codes: CodeCatalog = Object.fromEntries(
  Object.entries(variants).filter(([k]) => !k.includes(".") && k !== "OK"),
) as CodeCatalog;

export const ui: UiCatalog = {
  "step.options": "Optionen",
  "step.token": "Access Token",
  "step.claims": "Token-Claims",
  "step.connect": "TCP-Verbindung",
  "step.tls": "TLS",
  "step.greeting": "Begrüßung + Capabilities",
  "step.auth": "Anmeldung (XOAUTH2)",
  "step.mailbox": "Postfachzugriff",
  "step.list": "Eine Nachricht auflisten",
  "step.send": "Testnachricht",
  "step.send-probe": "Sendeberechtigung (Probe)",
  "step.logout": "Abmeldung",
  "diag.tokenProves":
    "Das Token ist korrekt (Audience {aud}, Rolle {role}, noch {minutesLeft} Min. gültig), an der Administratorzustimmung liegt es also nicht: Die Ursache liegt auf der Exchange-Seite.",
  "diag.cause": "Wahrscheinliche Ursache",
  "diag.causes": "Wahrscheinliche Ursachen (wahrscheinlichste zuerst)",
  "diag.fix": "Lösung",
  "diag.ok": "Alle Prüfungen bestanden",
  "diag.skipped": "nicht ausgeführt",
  "tls.problem.expired": "das Zertifikat ist abgelaufen ({code}); der Betreiber des Servers muss es erneuern",
  "tls.problem.notYetValid": "das Zertifikat ist noch nicht gültig ({code}); die Uhr dieses Rechners prüfen",
  "tls.problem.selfSigned": "das Zertifikat ist selbstsigniert ({code}), keine CA bürgt dafür",
  "tls.problem.selfSignedChain":
    "die Kette endet bei einer selbstsignierten CA, der dieser Rechner nicht vertraut ({code})",
  "tls.problem.unknownIssuer": "es ist von einer CA ausgestellt, der dieser Rechner nicht vertraut ({code})",
  "tls.problem.signature": "seine Signatur passt nicht zur vertrauten CA dieses Namens ({code})",
  "tls.problem.revoked": "das Zertifikat wurde widerrufen ({code})",
  "tls.problem.name": "das Zertifikat gilt für {names}, nicht für {host}",
  "tls.problem.nameUnknown": "das Zertifikat nennt {host} nicht",
};
