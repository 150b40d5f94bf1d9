/**
 * English texts of the Microsoft Graph diagnoses (`test --protocol graph`), merged into ./diagnose.ts's variants.
 * Facts: RBAC for Applications learn.microsoft.com/exchange/permissions-exo/application-rbac; Application Access
 * Policies learn.microsoft.com/graph/auth-limit-mailbox-access; Graph errors learn.microsoft.com/graph/errors;
 * throttling learn.microsoft.com/graph/throttling-limits#outlook-service-limits.
 */
import type { CodeText } from "../types.js";

const EXO_CONNECT =
  "Connect-ExchangeOnline   # as an Exchange admin of tenant {tenantId} (module ExchangeOnlineManagement)";
const GRAPH_PERMS =
  "Entra admin center > App registrations > {appid} > API permissions > Add a permission > Microsoft Graph > Application permissions > {perm} > Add permissions";
const CONSENT =
  "Same page: 'Grant admin consent for <your organization>' (tenant {tenantId}); the status must show 'Granted'.";
const NEW_SP = "New-ServicePrincipal -AppId {appid} -ObjectId {oid}   # once per app; {oid} = the token's oid claim";
const SCOPE =
  "New-ManagementScope -Name 'xoauth-mail {appid}' -RecipientRestrictionFilter \"PrimarySmtpAddress -eq '{mailbox}'\"";
const ASSIGN =
  "New-ManagementRoleAssignment -App {appid} -Role 'Application {perm}' -CustomResourceScope 'xoauth-mail {appid}'";
const TEST_SP =
  "Check: Test-ServicePrincipalAuthorization -Identity {appid} -Resource {mailbox}   # InScope must be True";
const WAIT = "Exchange can take up to ~30 minutes (RBAC changes up to 2 hours) to apply; then run this test again.";
const FRESH =
  "Then get a fresh token (cached tokens keep the old claims): xoauth-mail test --protocol graph --mailbox {mailbox} --no-cache";

function permissionMissing(verb: string, perm: string, step: string): CodeText {
  const p = (s: string) => s.replaceAll("{perm}", perm);
  return {
    summary: `Microsoft Graph refused to ${verb} {mailbox} (${step}: {serverReply}), and the token carries no ${perm} role (roles: {roles}): app {appid} has no Graph mail permission that covers this mailbox.`,
    causes: [
      `The Microsoft Graph application permission ${perm} was never added to app {appid}, or admin consent was not granted for it.`,
      "It was added as a delegated permission, or under 'Office 365 Exchange Online' instead of 'Microsoft Graph'.",
      `The app is scoped with RBAC for Applications, but no 'Application ${perm}' assignment covers {mailbox} (such grants are not in the token).`,
    ],
    fix: [
      `Either allow every mailbox: ${p(GRAPH_PERMS)}`,
      CONSENT,
      "Or allow only some mailboxes with RBAC for Applications (Exchange Online PowerShell; no Entra consent for it then):",
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
    summary: `App {appid} may ${verb} mail through Microsoft Graph (its token has ${perm}), but Graph refused it for {mailbox} ({serverReply}): a scope leaves this mailbox out.`,
    causes: [
      `An RBAC for Applications management scope of the app's 'Application ${perm}' assignment does not include {mailbox}.`,
      "An Application Access Policy restricts the app to a group that {mailbox} is not a member of.",
      "A change from the last ~30 minutes (RBAC: up to 2 hours) is not applied yet.",
    ],
    fix: [
      EXO_CONNECT,
      TEST_SP,
      "See the scope's filter: Get-ManagementRoleAssignment -RoleAssignee {oid} | Format-List Role,CustomResourceScope; Get-ManagementScope -Identity '<that scope>' | Format-List RecipientFilter",
      `Widen the filter to include {mailbox}: Set-ManagementScope -Identity '<that scope>' -RecipientRestrictionFilter "<filter> -or PrimarySmtpAddress -eq '{mailbox}'"`,
      `Or give this mailbox its own scope: ${SCOPE}; then ${p(ASSIGN)}`,
      "Application Access Policy: Test-ApplicationAccessPolicy -Identity {mailbox} -AppId {appid}   # AccessCheckResult must be Granted",
      WAIT,
    ],
  };
}

export const graphVariants: Record<string, CodeText> = {
  "OK.toGraph": {
    summary: "Microsoft Graph access to {mailbox} at {graphUrl} works for app {appid}.",
    causes: [],
    fix: [],
  },
  GRAPH_PERMISSION_MISSING: permissionMissing("read", "Mail.Read", "inbox"),
  "GRAPH_PERMISSION_MISSING.send": permissionMissing("send as", "Mail.Send", "sendMail"),
  "GRAPH_PERMISSION_MISSING.write": permissionMissing(
    "change messages in",
    "Mail.ReadWrite",
    "move, mark read, delete or draft",
  ),
  GRAPH_MAILBOX_OUT_OF_SCOPE: outOfScope("read", "Mail.Read"),
  "GRAPH_MAILBOX_OUT_OF_SCOPE.send": outOfScope("send", "Mail.Send"),
  "GRAPH_MAILBOX_OUT_OF_SCOPE.write": outOfScope("change", "Mail.ReadWrite"),
  "GRAPH_MAILBOX_OUT_OF_SCOPE.aap": {
    summary:
      "An Application Access Policy blocks app {appid} from {mailbox} ({serverReply}): the app may use Graph mail, but only for the mailboxes of the policy's group.",
    causes: [
      "{mailbox} is not a member of the mail-enabled security group of the app's RestrictAccess policy.",
      "The policy is a DenyAccess policy whose group contains {mailbox}.",
      "A group change from the last ~30 minutes is not applied yet.",
    ],
    fix: [
      EXO_CONNECT,
      "Check: Test-ApplicationAccessPolicy -Identity {mailbox} -AppId {appid}   # AccessCheckResult must be Granted",
      "Find the policy's group: Get-ApplicationAccessPolicy | Where-Object AppId -eq '{appid}' | Format-List AccessRight,ScopeName,ScopeIdentity",
      "Add the mailbox to it (RestrictAccess): Add-DistributionGroupMember -Identity '<ScopeName>' -Member {mailbox}",
      "Application Access Policies are being replaced by RBAC for Applications: New-ManagementRoleAssignment -App {appid} -Role 'Application Mail.Read' -CustomResourceScope '<scope>'; then Test-ServicePrincipalAuthorization -Identity {appid} -Resource {mailbox}",
      WAIT,
    ],
  },
  MAILBOX_NOT_FOUND: {
    summary: "Microsoft Graph knows no user {mailbox} in tenant {tenantId} ({serverReply}).",
    causes: [
      "A typo in --mailbox (or `mailbox` in the config file), or an address that is not the user's primary SMTP address, alias or user principal name.",
      "The user is in another tenant than {tenantId}.",
      "The user was deleted.",
    ],
    fix: [
      EXO_CONNECT,
      "Check the address: Get-Recipient -Identity {mailbox} | Format-List RecipientTypeDetails,PrimarySmtpAddress",
      "Pass the primary SMTP address or the user principal name: --mailbox <address>",
    ],
  },
  "MAILBOX_NOT_FOUND.notEnabled": {
    summary: "The user {mailbox} exists, but has no Exchange Online mailbox Microsoft Graph can serve ({serverReply}).",
    causes: [
      "The user has no Exchange Online licence (or it was assigned minutes ago and the mailbox is not created yet).",
      "The mailbox is inactive or soft-deleted.",
      "The mailbox is on-premises (hybrid): Graph app-only mail needs the mailbox in Exchange Online.",
    ],
    fix: [
      "Check the licence: Microsoft 365 admin center > Users > Active users > {mailbox} > Licenses and apps (an Exchange Online plan must be on).",
      EXO_CONNECT,
      "Check the mailbox: Get-Mailbox -Identity {mailbox} | Format-List RecipientTypeDetails,IsInactiveMailbox,WhenSoftDeleted",
      "A shared mailbox needs no licence: it must exist in Exchange Online (Get-Mailbox shows RecipientTypeDetails SharedMailbox).",
    ],
  },
  "WRONG_AUDIENCE.toGraph": {
    summary:
      "The token is for Exchange Online (aud {aud}), not for Microsoft Graph: it was requested with the Exchange scope ({requestedScope}), so Graph refuses it.",
    causes: [
      "--scope (or `scope` in the config file) says {exchangeScope}; Graph needs {graphScope}.",
      "Exchange's POP/IMAP/SMTP permissions (POP.AccessAsApp, ...) do not work for Graph: Graph needs Microsoft Graph application permissions (Mail.Read, Mail.Send).",
    ],
    fix: [
      "Request the Graph scope: drop --scope with --protocol graph (the default is right) or pass --scope {graphScope}",
      FRESH,
    ],
  },
  "WRONG_AUDIENCE.toGraphOther": {
    summary:
      "Microsoft Graph does not accept the token's audience (aud {aud}, requested with {requestedScope}): Graph needs a token for {graphScope}.",
    causes: [
      "A wrong --scope (or `scope` in the config file) was given.",
      "--graph-url points to a service that expects another audience.",
    ],
    fix: [
      "Request the Graph scope: drop --scope with --protocol graph (the default is right) or pass --scope {graphScope}",
      FRESH,
    ],
  },
  "THROTTLED.toGraph": {
    summary:
      "Microsoft Graph throttled app {appid} for {mailbox} ({serverReply}) longer than xoauth-mail waits. This is temporary and not a permission problem.",
    causes: [
      "More than 4 requests at once for this app and mailbox (other xoauth-mail runs, other tools using the same app registration).",
      "More than 10,000 requests in 10 minutes for this app and mailbox.",
    ],
    fix: [
      "Wait a few minutes and run this again; fetch and send wait for Retry-After by themselves.",
      "Run one fetch per mailbox at a time; use a separate app registration for other tools on the same mailbox.",
    ],
  },
  "MAIL_SERVER_UNREACHABLE.toGraph": {
    summary: "Cannot connect to Microsoft Graph at {host}:{port}: {errorMessage}",
    causes: [
      "A firewall or the network blocks outbound HTTPS (TCP {port}) to {host}.",
      "Outbound HTTPS must go through a proxy: set --proxy or HTTPS_PROXY.",
      "A wrong --graph-url (or graphUrl in the config file); the default is {graphUrl} for this cloud.",
    ],
    fix: [
      "Test from this machine: curl -sv https://{host}:{port}/ -o /dev/null   (Windows: Test-NetConnection {host} -Port {port})",
      "Behind a proxy: --proxy http://proxy:3128 (or HTTPS_PROXY); omit --graph-url to use the cloud's default.",
      "Ask the network team to allow outbound HTTPS to {host}.",
    ],
  },
  "TIMEOUT.toGraph": {
    summary: "Microsoft Graph at {host}:{port} did not answer in time (step: {stepName}).",
    causes: [
      "A firewall silently drops outbound HTTPS to {host}, or a proxy is needed.",
      "Graph or the network is overloaded; try again later.",
    ],
    fix: [
      "Test: curl -sv https://{host}:{port}/ -o /dev/null   (Windows: Test-NetConnection {host} -Port {port})",
      "Behind a proxy: --proxy http://proxy:3128 (or HTTPS_PROXY).",
      "Run again with --verbose to see the last request.",
    ],
  },
  "TLS_HOSTNAME_MISMATCH.toGraph": {
    summary: "The TLS certificate of {host}:{port} is not issued for the name {host}: {certProblem}.",
    causes: [
      "--graph-url names the server by IP address or an alias instead of the name in its certificate.",
      "A proxy or firewall intercepts the connection.",
    ],
    fix: [
      "Omit --graph-url for Microsoft's Graph ({graphUrl}), or use the name the certificate was issued for.",
      "See the names the certificate holds: openssl s_client -connect {host}:{port} </dev/null | openssl x509 -noout -ext subjectAltName",
    ],
  },
};
