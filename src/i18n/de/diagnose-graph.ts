/** Deutsche Texte der Microsoft-Graph-Diagnosen (`test --protocol graph`). Schlüssel wie in ../en/diagnose-graph.ts. */
import type { CodeText } from "../types.js";

const EXO_CONNECT =
  "Connect-ExchangeOnline   # als Exchange-Admin des Tenants {tenantId} (Modul ExchangeOnlineManagement)";
const GRAPH_PERMS =
  "Entra Admin Center > App-Registrierungen > {appid} > API-Berechtigungen > Berechtigung hinzufügen > Microsoft Graph > Anwendungsberechtigungen > {perm} > Berechtigungen hinzufügen";
const CONSENT =
  "Gleiche Seite: 'Administratorzustimmung für <Ihre Organisation> erteilen' (Tenant {tenantId}); der Status muss 'Gewährt' zeigen.";
const NEW_SP = "New-ServicePrincipal -AppId {appid} -ObjectId {oid}   # einmal pro App; {oid} = oid-Claim des Tokens";
const SCOPE =
  "New-ManagementScope -Name 'xoauth-mail {appid}' -RecipientRestrictionFilter \"PrimarySmtpAddress -eq '{mailbox}'\"";
const ASSIGN =
  "New-ManagementRoleAssignment -App {appid} -Role 'Application {perm}' -CustomResourceScope 'xoauth-mail {appid}'";
const TEST_SP =
  "Prüfen: Test-ServicePrincipalAuthorization -Identity {appid} -Resource {mailbox}   # InScope muss True sein";
const WAIT =
  "Exchange braucht bis zu ~30 Minuten (RBAC-Änderungen bis zu 2 Stunden), bis Änderungen wirken; danach den Test wiederholen.";
const FRESH =
  "Danach ein frisches Token holen (zwischengespeicherte Tokens behalten die alten Claims): xoauth-mail test --protocol graph --mailbox {mailbox} --no-cache";

function permissionMissing(verb: string, perm: string, step: string): CodeText {
  const p = (s: string) => s.replaceAll("{perm}", perm);
  return {
    summary: `Microsoft Graph hat abgelehnt, {mailbox} zu ${verb} (${step}: {serverReply}), und das Token enthält keine Rolle ${perm} (roles: {roles}): App {appid} hat keine Graph-Mail-Berechtigung, die dieses Postfach abdeckt.`,
    causes: [
      `Die Microsoft-Graph-Anwendungsberechtigung ${perm} wurde App {appid} nie hinzugefügt, oder die Administratorzustimmung fehlt.`,
      "Sie wurde als delegierte Berechtigung hinzugefügt, oder unter 'Office 365 Exchange Online' statt unter 'Microsoft Graph'.",
      `Die App ist mit RBAC for Applications eingeschränkt, aber keine Zuweisung 'Application ${perm}' umfasst {mailbox} (solche Rechte stehen nicht im Token).`,
    ],
    fix: [
      `Entweder für alle Postfächer erlauben: ${p(GRAPH_PERMS)}`,
      CONSENT,
      "Oder nur für bestimmte Postfächer mit RBAC for Applications (Exchange Online PowerShell; dann ohne Entra-Zustimmung):",
      EXO_CONNECT,
      NEW_SP,
      SCOPE,
      p(ASSIGN),
      TEST_SP,
      WAIT,
      FRESH,
    ],
  };
}

function outOfScope(verb: string, perm: string): CodeText {
  const p = (s: string) => s.replaceAll("{perm}", perm);
  return {
    summary: `App {appid} darf über Microsoft Graph Mail ${verb} (ihr Token hat ${perm}), aber Graph hat es für {mailbox} abgelehnt ({serverReply}): Ein Bereich (Scope) schließt dieses Postfach aus.`,
    causes: [
      `Ein RBAC-for-Applications-Verwaltungsbereich der Zuweisung 'Application ${perm}' umfasst {mailbox} nicht.`,
      "Eine Application Access Policy beschränkt die App auf eine Gruppe, in der {mailbox} nicht Mitglied ist.",
      "Eine Änderung der letzten ~30 Minuten (RBAC: bis zu 2 Stunden) wirkt noch nicht.",
    ],
    fix: [
      EXO_CONNECT,
      TEST_SP,
      "Filter des Bereichs ansehen: Get-ManagementRoleAssignment -RoleAssignee {oid} | Format-List Role,CustomResourceScope; Get-ManagementScope -Identity '<dieser Bereich>' | Format-List RecipientFilter",
      `Filter um {mailbox} erweitern: Set-ManagementScope -Identity '<dieser Bereich>' -RecipientRestrictionFilter "<Filter> -or PrimarySmtpAddress -eq '{mailbox}'"`,
      `Oder dem Postfach einen eigenen Bereich geben: ${SCOPE}; dann ${p(ASSIGN)}`,
      "Application Access Policy: Test-ApplicationAccessPolicy -Identity {mailbox} -AppId {appid}   # AccessCheckResult muss Granted sein",
      WAIT,
    ],
  };
}

export const graphVariants: Record<string, CodeText> = {
  "OK.toGraph": {
    summary: "Zugriff über Microsoft Graph auf {mailbox} über {graphUrl} funktioniert für App {appid}.",
    causes: [],
    fix: [],
  },
  GRAPH_PERMISSION_MISSING: permissionMissing("lesen", "Mail.Read", "Posteingang"),
  "GRAPH_PERMISSION_MISSING.send": permissionMissing("als Absender zu verwenden", "Mail.Send", "sendMail"),
  "GRAPH_PERMISSION_MISSING.write": permissionMissing(
    "ändern",
    "Mail.ReadWrite",
    "Verschieben, als gelesen markieren, Löschen oder Entwurf",
  ),
  GRAPH_MAILBOX_OUT_OF_SCOPE: outOfScope("lesen", "Mail.Read"),
  "GRAPH_MAILBOX_OUT_OF_SCOPE.send": outOfScope("senden", "Mail.Send"),
  "GRAPH_MAILBOX_OUT_OF_SCOPE.write": outOfScope("ändern", "Mail.ReadWrite"),
  "GRAPH_MAILBOX_OUT_OF_SCOPE.aap": {
    summary:
      "Eine Application Access Policy sperrt App {appid} für {mailbox} ({serverReply}): Die App darf Graph-Mail nutzen, aber nur für die Postfächer der Gruppe der Richtlinie.",
    causes: [
      "{mailbox} ist nicht Mitglied der E-Mail-aktivierten Sicherheitsgruppe der RestrictAccess-Richtlinie der App.",
      "Es ist eine DenyAccess-Richtlinie, deren Gruppe {mailbox} enthält.",
      "Eine Gruppenänderung der letzten ~30 Minuten wirkt noch nicht.",
    ],
    fix: [
      EXO_CONNECT,
      "Prüfen: Test-ApplicationAccessPolicy -Identity {mailbox} -AppId {appid}   # AccessCheckResult muss Granted sein",
      "Gruppe der Richtlinie finden: Get-ApplicationAccessPolicy | Where-Object AppId -eq '{appid}' | Format-List AccessRight,ScopeName,ScopeIdentity",
      "Postfach hinzufügen (RestrictAccess): Add-DistributionGroupMember -Identity '<ScopeName>' -Member {mailbox}",
      "Application Access Policies werden durch RBAC for Applications abgelöst: New-ManagementRoleAssignment -App {appid} -Role 'Application Mail.Read' -CustomResourceScope '<Bereich>'; dann Test-ServicePrincipalAuthorization -Identity {appid} -Resource {mailbox}",
      WAIT,
    ],
  },
  MAILBOX_NOT_FOUND: {
    summary: "Microsoft Graph kennt keinen Benutzer {mailbox} im Tenant {tenantId} ({serverReply}).",
    causes: [
      "Ein Tippfehler in --mailbox (oder `mailbox` in der Konfigurationsdatei), oder eine Adresse, die weder primäre SMTP-Adresse, Alias noch Benutzerprinzipalname ist.",
      "Der Benutzer gehört zu einem anderen Tenant als {tenantId}.",
      "Der Benutzer wurde gelöscht.",
    ],
    fix: [
      EXO_CONNECT,
      "Adresse prüfen: Get-Recipient -Identity {mailbox} | Format-List RecipientTypeDetails,PrimarySmtpAddress",
      "Die primäre SMTP-Adresse oder den Benutzerprinzipalnamen angeben: --mailbox <Adresse>",
    ],
  },
  "MAILBOX_NOT_FOUND.notEnabled": {
    summary:
      "Den Benutzer {mailbox} gibt es, aber er hat kein Exchange-Online-Postfach, das Microsoft Graph bedienen kann ({serverReply}).",
    causes: [
      "Der Benutzer hat keine Exchange-Online-Lizenz (oder sie wurde vor wenigen Minuten zugewiesen und das Postfach ist noch nicht angelegt).",
      "Das Postfach ist inaktiv oder vorläufig gelöscht (soft-deleted).",
      "Das Postfach liegt lokal (Hybrid): App-only-Mail über Graph braucht das Postfach in Exchange Online.",
    ],
    fix: [
      "Lizenz prüfen: Microsoft 365 Admin Center > Benutzer > Aktive Benutzer > {mailbox} > Lizenzen und Apps (ein Exchange-Online-Plan muss aktiv sein).",
      EXO_CONNECT,
      "Postfach prüfen: Get-Mailbox -Identity {mailbox} | Format-List RecipientTypeDetails,IsInactiveMailbox,WhenSoftDeleted",
      "Ein freigegebenes Postfach braucht keine Lizenz: Es muss in Exchange Online existieren (Get-Mailbox zeigt RecipientTypeDetails SharedMailbox).",
    ],
  },
  "WRONG_AUDIENCE.toGraph": {
    summary:
      "Das Token ist für Exchange Online (aud {aud}), nicht für Microsoft Graph: Es wurde mit dem Exchange-Scope ({requestedScope}) angefordert, Graph lehnt es ab.",
    causes: [
      "--scope (oder `scope` in der Konfigurationsdatei) steht auf {exchangeScope}; Graph braucht {graphScope}.",
      "Die POP/IMAP/SMTP-Berechtigungen von Exchange (POP.AccessAsApp, ...) gelten nicht für Graph: Graph braucht Microsoft-Graph-Anwendungsberechtigungen (Mail.Read, Mail.Send).",
    ],
    fix: [
      "Den Graph-Scope anfordern: mit --protocol graph --scope weglassen (der Standard stimmt) oder --scope {graphScope} angeben",
      FRESH,
    ],
  },
  "WRONG_AUDIENCE.toGraphOther": {
    summary:
      "Microsoft Graph akzeptiert die Audience des Tokens nicht (aud {aud}, angefordert mit {requestedScope}): Graph braucht ein Token für {graphScope}.",
    causes: [
      "Ein falscher --scope (oder `scope` in der Konfigurationsdatei) ist gesetzt.",
      "--graph-url zeigt auf einen Dienst, der eine andere Audience erwartet.",
    ],
    fix: [
      "Den Graph-Scope anfordern: mit --protocol graph --scope weglassen (der Standard stimmt) oder --scope {graphScope} angeben",
      FRESH,
    ],
  },
  "THROTTLED.toGraph": {
    summary:
      "Microsoft Graph drosselt App {appid} für {mailbox} ({serverReply}) länger, als xoauth-mail wartet. Das ist vorübergehend und kein Berechtigungsproblem.",
    causes: [
      "Mehr als 4 gleichzeitige Anfragen dieser App an dieses Postfach (andere xoauth-mail-Läufe, andere Werkzeuge mit derselben App-Registrierung).",
      "Mehr als 10.000 Anfragen in 10 Minuten für diese App und dieses Postfach.",
    ],
    fix: [
      "Einige Minuten warten und erneut ausführen; fetch und send warten selbst auf Retry-After.",
      "Pro Postfach nur einen fetch gleichzeitig; für andere Werkzeuge am selben Postfach eine eigene App-Registrierung verwenden.",
    ],
  },
  "MAIL_SERVER_UNREACHABLE.toGraph": {
    summary: "Keine Verbindung zu Microsoft Graph unter {host}:{port}: {errorMessage}",
    causes: [
      "Eine Firewall oder das Netz sperrt ausgehendes HTTPS (TCP {port}) zu {host}.",
      "Ausgehendes HTTPS muss über einen Proxy: --proxy oder HTTPS_PROXY setzen.",
      "Eine falsche --graph-url (oder graphUrl in der Konfigurationsdatei); Standard für diese Cloud ist {graphUrl}.",
    ],
    fix: [
      "Von diesem Rechner testen: curl -sv https://{host}:{port}/ -o /dev/null   (Windows: Test-NetConnection {host} -Port {port})",
      "Hinter einem Proxy: --proxy http://proxy:3128 (oder HTTPS_PROXY); --graph-url weglassen, um den Standard der Cloud zu nutzen.",
      "Das Netzwerkteam bitten, ausgehendes HTTPS zu {host} zu erlauben.",
    ],
  },
  "TIMEOUT.toGraph": {
    summary: "Microsoft Graph unter {host}:{port} hat nicht rechtzeitig geantwortet (Schritt: {stepName}).",
    causes: [
      "Eine Firewall verwirft ausgehendes HTTPS zu {host} stillschweigend, oder ein Proxy ist nötig.",
      "Graph oder das Netz ist überlastet; später erneut versuchen.",
    ],
    fix: [
      "Testen: curl -sv https://{host}:{port}/ -o /dev/null   (Windows: Test-NetConnection {host} -Port {port})",
      "Hinter einem Proxy: --proxy http://proxy:3128 (oder HTTPS_PROXY).",
      "Mit --verbose erneut ausführen, um die letzte Anfrage zu sehen.",
    ],
  },
  "TLS_HOSTNAME_MISMATCH.toGraph": {
    summary: "Das TLS-Zertifikat von {host}:{port} ist nicht auf den Namen {host} ausgestellt: {certProblem}.",
    causes: [
      "--graph-url nennt den Server per IP-Adresse oder Alias statt mit dem Namen im Zertifikat.",
      "Ein Proxy oder eine Firewall fängt die Verbindung ab.",
    ],
    fix: [
      "--graph-url weglassen für Microsofts Graph ({graphUrl}), oder den Namen verwenden, auf den das Zertifikat ausgestellt ist.",
      "Namen im Zertifikat ansehen: openssl s_client -connect {host}:{port} </dev/null | openssl x509 -noout -ext subjectAltName",
    ],
  },
};
