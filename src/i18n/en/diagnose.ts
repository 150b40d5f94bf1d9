/**
 * English texts of the diagnosis engine (src/diagnose). `variants` are keyed by rule variant
 * (`CODE` or `CODE.variant`); `codes` (the base variants) are registered as the catalog texts of these codes.
 */
import type { CodeCatalog, CodeText, UiCatalog } from "../types.js";
import { graphVariants } from "./diagnose-graph.js";

const EXO_CONNECT =
  "Connect-ExchangeOnline   # as an Exchange admin of tenant {tenantId} (module ExchangeOnlineManagement)";
const CHECK_SP = "Get-ServicePrincipal | Where-Object AppId -eq '{appid}' | Format-List DisplayName,AppId,ObjectId";
const NEW_SP = "New-ServicePrincipal -AppId {appid} -ObjectId {oid}";
const WAIT = "Exchange can take up to ~30 minutes to apply permission changes; then run this test again.";
const API_PERMS =
  "Entra admin center > App registrations > {appid} > API permissions > Add a permission > APIs my organization uses > Office 365 Exchange Online > Application permissions > {role} > Add permissions";
const CONSENT =
  "Same page: 'Grant admin consent for <your organization>' (tenant {tenantId}); the status must show 'Granted'.";
const FRESH =
  "Then get a fresh token (cached tokens keep the old claims): xoauth-mail test --mailbox {mailbox} --no-cache";

const protocolVariants: Record<string, CodeText> = {
  OK: {
    summary: "{protocolName} XOAUTH2 login to {mailbox} at {host}:{port} works.",
    causes: [],
    fix: [],
  },
  WRONG_AUDIENCE: {
    summary:
      "The token is not for Exchange Online (aud {aud}): it was requested with the wrong scope ({requestedScope}), so the mail server will refuse it.",
    causes: [
      "A wrong --scope (or scope in the config file) was given; Exchange needs {scope}.",
      "The token comes from another resource's app or cache entry.",
    ],
    fix: ["Request the Exchange scope: drop --scope (the default is right) or pass --scope {scope}", FRESH],
  },
  "WRONG_AUDIENCE.graph": {
    summary:
      "The token is for Microsoft Graph (aud {aud}), not for Exchange Online: it was requested with the Graph scope ({requestedScope}).",
    causes: [
      "--scope (or the config file) says https://graph.microsoft.com/.default; POP, IMAP and SMTP need {scope}.",
      "The mail permissions were probably added under Microsoft Graph too: Graph's IMAP.AccessAsUser.All / SMTP.Send are delegated permissions and do not work app-only.",
    ],
    fix: [
      "Request the Exchange scope: drop --scope (the default is right) or pass --scope {scope}",
      API_PERMS,
      CONSENT,
      FRESH,
    ],
  },
  TOKEN_EXPIRED: {
    summary: "The access token expired {minutesAgo} min ago (exp claim), so the mail server refuses it.",
    causes: [
      "A token from a cache or file was reused after its lifetime (about 60-90 minutes).",
      "This machine's clock is wrong (tokens look expired when the clock runs ahead).",
    ],
    fix: [
      "Get a fresh token: xoauth-mail test --mailbox {mailbox} --no-cache",
      "Check the clock against NTP: timedatectl status (Linux) or w32tm /query /status (Windows)",
    ],
  },
  PERMISSION_MISSING: {
    summary:
      "The token has no {role} role (roles: {roles}), so Exchange will refuse the {protocolName} login: the application permission is missing or not consented.",
    causes: [
      "The application permission {role} of 'Office 365 Exchange Online' was never added to app {appid}.",
      "It was added, but admin consent was not granted for it.",
      "It was added as a delegated permission (or under Microsoft Graph) instead of an Exchange application permission.",
    ],
    fix: [API_PERMS, CONSENT, FRESH],
  },
  "PERMISSION_MISSING.noRoles": {
    summary:
      "The token carries no roles claim at all: admin consent was never granted for app {appid}, so Exchange will refuse every login.",
    causes: [
      "Admin consent for the application permissions was never granted (the permissions list shows 'Not granted').",
      "The permissions were added as delegated permissions, or under Microsoft Graph, not as Exchange application permissions.",
    ],
    fix: [API_PERMS, CONSENT, FRESH],
  },
  MAIL_SERVER_UNREACHABLE: {
    summary: "Cannot connect to {host}:{port}: {errorMessage}",
    causes: [
      "Wrong host or port: Exchange Online uses outlook.office365.com (POP3 995, IMAP 993) and smtp.office365.com (SMTP 587).",
      "A firewall or the network blocks outbound TCP {port}.",
      "DNS cannot resolve {host} from this machine.",
    ],
    fix: [
      "Test from this machine: nc -vz {host} {port}   (Windows: Test-NetConnection {host} -Port {port})",
      "Use the defaults (omit --host/--port) or set them: --host outlook.office365.com --port 995",
      "Ask the network team to allow outbound TCP {port} to {host}.",
    ],
  },
  TIMEOUT: {
    summary: "{host}:{port} did not answer in time (step: {stepName}).",
    causes: [
      "A firewall silently drops the traffic.",
      "The TLS mode does not fit the port (--tls {tls} on port {port}): implicit TLS is 995/993/465, STARTTLS is 110/143/587.",
      "The server or the network is overloaded; try again later.",
    ],
    fix: [
      "Test the port: nc -vz {host} {port}   (Windows: Test-NetConnection {host} -Port {port})",
      "Check --port and --tls, or omit them to use the Exchange Online defaults.",
      "Run again with --verbose to see where the conversation stops.",
    ],
  },
  SERVER_BUSY: {
    summary:
      "{host}:{port} refused {protocolName} for now (step: {stepName}): {serverReply}. This is temporary and not a permission problem.",
    causes: [
      "Too many simultaneous connections of this mailbox, from this application or this IP address (other mail clients, other xoauth-mail runs, or connections that were not closed): the server's per-mailbox connection limit is reached.",
      "The server is busy or throttles this mailbox or this application (Exchange Online limits connections and requests per mailbox).",
    ],
    fix: [
      "Wait a few minutes and run this again; `xoauth-mail fetch` retries this by itself with a growing delay.",
      "Close other sessions of {mailbox}: other mail clients, parallel fetch jobs (one fetch per mailbox at a time), hanging processes that hold a connection.",
      "No permission or setup change helps here: do not re-run New-ServicePrincipal or Add-MailboxPermission for this.",
    ],
  },
  TLS_UNTRUSTED: {
    summary: "The TLS certificate of {host}:{port} is not trusted: {certProblem}.",
    causes: [
      "A TLS-inspecting proxy or firewall replaces the server's certificate with its own.",
      "The server uses a private or test CA that this machine does not know.",
      "The system CA store is outdated, or the server's certificate has expired.",
    ],
    fix: [
      "Trust that CA in addition to the system roots: --ca-file /path/to/ca.pem (or NODE_EXTRA_CA_CERTS); never turn verification off.",
      "Inspect the chain: openssl s_client {opensslConnect} -showcerts",
    ],
  },
  "TLS_UNTRUSTED.dates": {
    summary: "The TLS certificate of {host}:{port} is not trusted: {certProblem}.",
    causes: [
      "The server's certificate is outside its validity dates: it expired (not renewed in time) or is not valid yet.",
      "This machine's clock is wrong.",
    ],
    fix: [
      "See the certificate's dates: openssl s_client {opensslConnect} </dev/null | openssl x509 -noout -dates",
      "Check this machine's date and time (date; Windows: Get-Date) and its time synchronisation (NTP).",
      "If the dates are past: ask the server's administrator to renew the certificate; never turn verification off.",
    ],
  },
  TLS_HOSTNAME_MISMATCH: {
    summary: "The TLS certificate of {host}:{port} is not issued for the name {host}: {certProblem}.",
    causes: [
      "You connect by IP address or an alias instead of the name in the certificate.",
      "A proxy or firewall intercepts the connection.",
    ],
    fix: [
      "Use the official host name: --host outlook.office365.com (POP3/IMAP) or --host smtp.office365.com (SMTP).",
      "See the names the certificate holds: openssl s_client {opensslConnect} </dev/null | openssl x509 -noout -ext subjectAltName",
    ],
  },
  XOAUTH2_NOT_OFFERED: {
    summary: "{host}:{port} does not offer SASL XOAUTH2 ({errorMessage}).",
    causes: [
      "This is not Exchange Online (wrong host, or an on-premises or other mail server).",
      "SMTP offers AUTH only after STARTTLS: check --tls {tls} and the port.",
      "A proxy or firewall strips the capabilities.",
    ],
    fix: [
      "Use the Exchange Online endpoints: outlook.office365.com 995 (POP3) / 993 (IMAP), smtp.office365.com 587 --tls starttls (SMTP).",
      "Run again with --verbose to see the capabilities the server announces.",
    ],
  },
  MAILBOX_ACCESS_DENIED: {
    summary: "The mail server refused the XOAUTH2 login for {mailbox} over {protocolName} ({serverReply}).",
    causes: [
      "The app's service principal is not registered in Exchange Online (New-ServicePrincipal was never run for app {appid}).",
      "It was registered with the App Registration's object ID instead of the Enterprise Application's: Exchange must know ObjectId {oid} (the token's oid claim).",
      "The service principal has no FullAccess permission on {mailbox}.",
      "The mailbox {mailbox} does not exist, or this is not its primary SMTP address.",
      "{protocolName} is disabled on the mailbox ({casFlag} is False).",
    ],
    fix: [
      EXO_CONNECT,
      `Check the registration (ObjectId must be {oid}): ${CHECK_SP}`,
      `Not registered: ${NEW_SP}`,
      `Registered with another ObjectId: Remove-ServicePrincipal -Identity <that ObjectId>; then ${NEW_SP}`,
      "Check the mailbox permission: Get-MailboxPermission -Identity {mailbox} -User {oid}",
      "Grant it: Add-MailboxPermission -Identity {mailbox} -User {oid} -AccessRights FullAccess",
      "Check the address and protocol: Get-CASMailbox -Identity {mailbox} | Format-List PrimarySmtpAddress,{casFlag}",
      "Enable {protocolName}: Set-CASMailbox -Identity {mailbox} -{casFlag} $true",
      WAIT,
    ],
  },
  "MAILBOX_ACCESS_DENIED.smtp": {
    summary: "The mail server refused SMTP AUTH XOAUTH2 for {mailbox} ({serverReply}).",
    causes: [
      "The app's service principal is not registered in Exchange Online (New-ServicePrincipal was never run for app {appid}).",
      "It was registered with the App Registration's object ID instead of the Enterprise Application's: Exchange must know ObjectId {oid} (the token's oid claim).",
      "The service principal has neither SendAs nor FullAccess on {mailbox}.",
      "The mailbox {mailbox} does not exist, or this is not its primary SMTP address.",
    ],
    fix: [
      EXO_CONNECT,
      `Check the registration (ObjectId must be {oid}): ${CHECK_SP}`,
      `Not registered: ${NEW_SP}`,
      `Registered with another ObjectId: Remove-ServicePrincipal -Identity <that ObjectId>; then ${NEW_SP}`,
      "Check: Get-RecipientPermission -Identity {mailbox} -Trustee {oid}; Get-MailboxPermission -Identity {mailbox} -User {oid}",
      "Grant SendAs: Add-RecipientPermission -Identity {mailbox} -Trustee {oid} -AccessRights SendAs -Confirm:$false",
      "Check the address: Get-Mailbox -Identity {mailbox} | Format-List PrimarySmtpAddress",
      WAIT,
    ],
  },
  MAILBOX_NOT_CONNECTED: {
    summary:
      "Exchange accepted the XOAUTH2 login for {mailbox}, but then answered 'User is authenticated but not connected.': the app may sign in but may not open this mailbox.",
    causes: [
      "The service principal (ObjectId {oid}) has no FullAccess permission on {mailbox}.",
      "The service principal was registered with the App Registration's object ID instead of the Enterprise Application's ({oid}).",
      "IMAP is disabled on the mailbox (ImapEnabled is False).",
      "A change from the last ~30 minutes is not applied yet (also seen transiently with many parallel connections).",
    ],
    fix: [
      EXO_CONNECT,
      "Check: Get-MailboxPermission -Identity {mailbox} -User {oid}",
      "Grant it: Add-MailboxPermission -Identity {mailbox} -User {oid} -AccessRights FullAccess",
      `Check the registration (ObjectId must be {oid}): ${CHECK_SP}`,
      "Check IMAP: Get-CASMailbox -Identity {mailbox} | Format-List ImapEnabled; enable: Set-CASMailbox -Identity {mailbox} -ImapEnabled $true",
      WAIT,
    ],
  },
  SMTP_AUTH_DISABLED: {
    summary: "Exchange refused SMTP AUTH with 5.7.139: SMTP client authentication is disabled ({serverReply}).",
    causes: [
      "SMTP AUTH is disabled for the whole tenant (the default for new tenants).",
      "SMTP AUTH is disabled on the mailbox {mailbox}.",
    ],
    fix: [
      EXO_CONNECT,
      "Check: Get-TransportConfig | Format-List SmtpClientAuthenticationDisabled; Get-CASMailbox -Identity {mailbox} | Format-List SmtpClientAuthenticationDisabled",
      "Enable for this mailbox only (overrides the tenant setting): Set-CASMailbox -Identity {mailbox} -SmtpClientAuthenticationDisabled $false",
      "Or tenant-wide: Set-TransportConfig -SmtpClientAuthenticationDisabled $false",
      WAIT,
    ],
  },
  "SMTP_AUTH_DISABLED.mailbox": {
    summary:
      "Exchange refused SMTP AUTH with 5.7.139: SMTP client authentication is disabled for the mailbox {mailbox} ({serverReply}).",
    causes: [
      "SMTP AUTH is disabled on the mailbox {mailbox} (Set-CASMailbox -SmtpClientAuthenticationDisabled $true).",
      "SMTP AUTH is disabled tenant-wide and the mailbox follows the tenant setting.",
    ],
    fix: [
      EXO_CONNECT,
      "Check: Get-CASMailbox -Identity {mailbox} | Format-List SmtpClientAuthenticationDisabled",
      "Enable it: Set-CASMailbox -Identity {mailbox} -SmtpClientAuthenticationDisabled $false",
      WAIT,
    ],
  },
  SEND_AS_DENIED: {
    summary: "Login worked, but Exchange refused to send as {mailbox} ({serverReply}).",
    causes: [
      "The service principal (ObjectId {oid}) has no SendAs on {mailbox} (FullAccess alone does not allow sending).",
      "The sender address differs from the authenticated mailbox {mailbox}.",
      "A change from the last ~30 minutes is not applied yet.",
    ],
    fix: [
      EXO_CONNECT,
      "Check: Get-RecipientPermission -Identity {mailbox} -Trustee {oid}",
      "Grant it: Add-RecipientPermission -Identity {mailbox} -Trustee {oid} -AccessRights SendAs -Confirm:$false",
      WAIT,
    ],
  },
  "SEND_AS_DENIED.graph": {
    summary: "Microsoft Graph refused to send as {from} from the mailbox {mailbox} (ErrorSendAsDenied).",
    causes: [
      "The message's From address {from} is not the mailbox {mailbox}, and {mailbox} has no Send As (or Send on Behalf) permission on {from}: with Graph the mailbox in the request sends, not the app.",
      "A change from the last ~30 minutes is not applied yet.",
    ],
    fix: [
      EXO_CONNECT,
      "Check: Get-RecipientPermission -Identity {from} -Trustee {mailbox}",
      "Grant it: Add-RecipientPermission -Identity {from} -Trustee {mailbox} -AccessRights SendAs -Confirm:$false",
      "Or send through the mailbox {from} itself: --mailbox {from} (an app with the Mail.Send application permission may send from every mailbox in its scope).",
      WAIT,
    ],
  },
  PROTOCOL_ERROR: {
    summary: "Unexpected answer from {host}:{port} at step '{stepName}': {serverReply}",
    causes: [
      "There is no {protocolName} server at {host}:{port}, or the TLS mode is wrong (--tls {tls}).",
      "A proxy or firewall interferes with the conversation.",
    ],
    fix: [
      "Run again with --verbose to see the transcript.",
      "Ports: POP3 995 implicit / 110 starttls; IMAP 993 / 143; SMTP 587 starttls / 465 implicit.",
    ],
  },
};

/** Every rule variant: the mail protocols' and Microsoft Graph's. */
export const variants: Record<string, CodeText> = { ...protocolVariants, ...graphVariants };

/** Catalog texts of the codes this area owns (the base variants). */
export const codes: CodeCatalog = Object.fromEntries(
  Object.entries(variants).filter(([k]) => !k.includes(".") && k !== "OK"),
) as CodeCatalog;

export const ui: UiCatalog = {
  "step.options": "Options",
  "step.token": "Access token",
  "step.claims": "Token claims",
  "step.connect": "TCP connect",
  "step.tls": "TLS",
  "step.greeting": "Greeting + capabilities",
  "step.auth": "Authenticate (XOAUTH2)",
  "step.mailbox": "Mailbox access",
  "step.list": "List one message",
  "step.send": "Test message",
  "step.send-probe": "Send permission (probe)",
  "step.logout": "Logout",
  "diag.tokenProves":
    "The token is right (audience {aud}, role {role}, {minutesLeft} min left), so admin consent is not the problem: the cause is on the Exchange side.",
  "diag.cause": "Likely cause",
  "diag.causes": "Likely causes (most likely first)",
  "diag.fix": "Fix",
  "diag.ok": "All checks passed",
  "diag.skipped": "not run",
  "tls.problem.expired": "the certificate has expired ({code}); the server's administrator must renew it",
  "tls.problem.notYetValid": "the certificate is not valid yet ({code}); check this machine's clock",
  "tls.problem.selfSigned": "the certificate is self-signed ({code}), no CA vouches for it",
  "tls.problem.selfSignedChain": "the chain ends in a self-signed CA that this machine does not trust ({code})",
  "tls.problem.unknownIssuer": "it is issued by a CA that this machine does not trust ({code})",
  "tls.problem.signature": "its signature does not match the trusted CA of that name ({code})",
  "tls.problem.revoked": "the certificate has been revoked ({code})",
  "tls.problem.name": "the certificate is for {names}, not for {host}",
  "tls.problem.nameUnknown": "the certificate does not name {host}",
};
