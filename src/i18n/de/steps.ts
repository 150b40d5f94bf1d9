import type { CodeCatalog, UiCatalog } from "../types.js";

/** Schritt-Details von `test` / `send`, Kopfzeilen und Beschriftungen von `token --decode`. Schlüssel wie in ../en/steps.ts. */
export const stepsCodes: CodeCatalog = {};

export const stepsUi: UiCatalog = {
  "header.at": "über {host}:{port} ({tls})",
  "tls.implicit": "implizites TLS",
  "tls.starttls": "STARTTLS",
  "step.notMeasured": "nicht einzeln gemessen",
  "step.detail.options": "Mandant {tenantId}, Client {clientId}, {credential}",
  "step.detail.credential.secret": "geheimer Clientschlüssel",
  "step.detail.credential.certificate": "Zertifikat",
  "step.detail.sendOptions": "von {from} an {count} Empfänger, {message}",
  "step.detail.message.raw": "unveränderte Nachricht {source}",
  "step.detail.message.compose": "zusammengestellte Nachricht, {attachments} Anhang/Anhänge",
  "step.detail.tokenCache": "aus dem Cache, läuft in {minutes} Min. ab",
  "step.detail.tokenEndpoint": "vom Token-Endpunkt, läuft in {minutes} Min. ab",
  "step.detail.noClaims": "keine Claims",
  "step.detail.audNotExchange": "aud {aud} ist nicht Exchange Online",
  "step.detail.noRoles": "kein roles-Claim (Administratorzustimmung fehlt)",
  "step.detail.rolesLack": "in roles fehlt {role}",
  "step.detail.expiredAgo": "seit {minutes} Min. abgelaufen",
  "step.detail.claimsOk": "aud {aud}, Rolle {role}, noch {minutes} Min. gültig, oid {oid}",
  "step.detail.audNotGraph": "aud {aud} ist nicht Microsoft Graph",
  "step.detail.graphClaims": "aud {aud}, roles {roles}, noch {minutes} Min., oid {oid}",
  "step.detail.graphNoRoles":
    "aud {aud}, keine Mail.*-Rollen (RBAC-for-Applications-Rechte stehen nicht im Token), noch {minutes} Min., oid {oid}",
  "step.detail.graphViaProxy": "{host}:{port} über den HTTPS-Proxy (geprüft mit der ersten Anfrage)",
  "step.detail.graphInbox": "{mailbox}: Ordner {name}, {total} Nachrichten, {unread} ungelesen",
  "step.detail.graphListed": "1 Nachricht aufgelistet (empfangen {received})",
  "step.detail.graphEmpty": "der Posteingang ist leer: Auflisten funktioniert",
  "step.detail.graphSendAllowed": "Senden als {mailbox} ist erlaubt (die Probe hat nichts gesendet)",
  "step.detail.connectInclTls": "{host}:{port} (inkl. TLS)",
  "step.detail.tlsCert": "{version}, Zertifikat {cn} (Aussteller {issuer}) vertrauenswürdig, Name passt",
  "step.detail.tlsTrusted": "{mode}, Zertifikat vertrauenswürdig",
  "step.detail.stls": "STLS: {tls}; {caps}",
  "step.detail.capsRead": "Capabilities gelesen",
  "step.detail.xoauth2Accepted": "XOAUTH2 für {mailbox} akzeptiert",
  "step.detail.stat": "STAT: {count} Nachrichten, {size} Bytes",
  "step.detail.imapMailbox": "LIST: {boxes} Ordner; EXAMINE INBOX: {exists} Nachrichten",
  "step.detail.ehloAfterAuth": "EHLO nach AUTH: {extensions}",
  "step.detail.sentTo": "an {to} gesendet: {response}",
  "step.failed.reply": "{code} – Antwort des Servers: {reply}",
  "step.failed.noReply": "{code} (Einzelheiten in der Diagnose unten)",
  "token.header": "Kopf",
  "token.claims": "Claims",
  "token.expires": "gültig bis",
  "token.source": "Quelle",
  "token.source.cache": "Cache",
  "token.source.endpoint": "Token-Endpunkt",
  "token.cacheRefused.others-write":
    "nicht zwischengespeichert: Andere dürfen in {dir} schreiben (Modus {mode}), daher wird es nicht verwendet; schützen Sie es: chmod 700 {dir}",
  "token.cacheRefused.other-owner":
    "nicht zwischengespeichert: {dir} gehört einem anderen Benutzer; setzen Sie XOAUTH_MAIL_CACHE_DIR auf ein Verzeichnis dieses Benutzers",
  "token.cacheRefused.not-directory":
    "nicht zwischengespeichert: {dir} ist kein Verzeichnis; entfernen Sie es oder setzen Sie XOAUTH_MAIL_CACHE_DIR auf ein Verzeichnis dieses Benutzers",
  "token.cache": "Cache",
  "token.checks": "Prüfungen ({protocol})",
  "token.absent": "(fehlt)",
  "token.empty": "(leer)",
  "token.noExp": "(kein exp-Claim)",
  "token.minLeft": "noch {minutes} Min. gültig",
  "token.expiredAgo": "seit {minutes} Min. abgelaufen",
  "token.check.audience.ok": "aud {aud} ist Exchange Online",
  "token.check.audience.graph":
    "aud {aud} ist Microsoft Graph: Das Token wurde mit dem Graph-Scope angefordert; verwenden Sie https://outlook.office365.com/.default",
  "token.check.audience.other":
    "aud {aud} ist nicht Exchange Online; fordern Sie den Scope https://outlook.office365.com/.default an",
  "token.check.audience.forGraph.ok": "aud {aud} ist Microsoft Graph",
  "token.check.audience.forGraph.exchange":
    "aud {aud} ist Exchange Online (POP/IMAP/SMTP), nicht Microsoft Graph: Fordern Sie https://graph.microsoft.com/.default an (mit --protocol graph ohne --scope)",
  "token.check.audience.forGraph.other":
    "aud {aud} ist nicht Microsoft Graph; fordern Sie den Scope https://graph.microsoft.com/.default an",
  "token.check.role.forGraph.ok": "roles enthält {mailRoles}",
  "token.check.role.forGraph.noRoles":
    "kein roles-Claim: Für keine Graph-Anwendungsberechtigung (Mail.Read, Mail.ReadWrite, Mail.Send) ist die Administratorzustimmung erteilt. Eine mit RBAC for Applications eingeschränkte App hat KEINE roles im Token und darf trotzdem zugreifen: xoauth-mail test --protocol graph fragt das Postfach selbst",
  "token.check.role.forGraph.noRead":
    "in roles [{roles}] ist kein Mail.Read/Mail.ReadWrite/Mail.ReadBasic; Lesen kann trotzdem über RBAC for Applications erlaubt sein (steht nicht im Token): xoauth-mail test --protocol graph fragt das Postfach selbst",
  "token.check.role.ok": "roles enthält {role}",
  "token.check.role.noRoles":
    "kein roles-Claim: Für keine Anwendungsberechtigung wurde die Administratorzustimmung erteilt (benötigt: {role})",
  "token.check.role.lack":
    "in roles [{roles}] fehlt {role}: Fügen Sie die Anwendungsberechtigung hinzu und erteilen Sie die Administratorzustimmung",
  "token.check.expiry.ok": "läuft am {time} ab (noch {minutes} Min.)",
  "token.check.expiry.expired": "am {time} abgelaufen (vor {minutes} Min.)",
  "token.check.expiry.none": "kein exp-Claim",
  "token.check.app-only.ok": "App-only-Token (appidacr={appidacr})",
  "token.check.app-only.delegated":
    "ein delegiertes (Benutzer-)Token (idtyp={idtyp}, scp vorhanden: {scp}); xoauth-mail braucht ein App-only-Token",
};
