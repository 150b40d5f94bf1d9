/**
 * What can be wrong, in the directory (Entra ID, Exchange Online PowerShell) or on the server, and how each protocol
 * shows it. Several situations share one reply on the wire (Exchange says only "Authentication failure"): the
 * diagnosis tells them apart with the token's claims, never with the reply text.
 */
import { GRAPH_SRC } from "./graph-replies.js";
import { SRC } from "./sources.js";
import type { Situation } from "./types.js";

const allAuthFailed = {
  pop3: { reply: "auth-failed" },
  imap: { reply: "auth-failed" },
  smtp: { reply: "auth-failed" },
} as const;

export const SITUATIONS: readonly Situation[] = [
  {
    id: "no-consent",
    title: "Admin consent missing",
    cause: "API permissions added but 'Grant admin consent' not clicked: the token has no `roles` claim",
    scenario: "no-consent",
    code: "PERMISSION_MISSING",
    protocols: allAuthFailed,
    sources: [SRC.msOauth, SRC.msTokenClaims],
  },
  {
    id: "role-missing",
    title: "Protocol permission missing",
    cause:
      "`roles` lacks POP.AccessAsApp / IMAP.AccessAsApp / SMTP.SendAsApp (Office 365 Exchange Online, application)",
    code: "PERMISSION_MISSING",
    protocols: allAuthFailed,
    sources: [SRC.msOauth, SRC.msTokenClaims],
  },
  {
    id: "sp-missing",
    title: "No service principal in Exchange",
    cause: "`New-ServicePrincipal -AppId <appid> -ObjectId <oid>` was never run",
    scenario: "sp-missing",
    protocols: allAuthFailed,
    sources: [SRC.msOauth],
  },
  {
    id: "sp-app-object-id",
    title: "Service principal registered with the wrong object ID",
    cause:
      "`New-ServicePrincipal -ObjectId` got the App registration's object ID, not the Enterprise application's (= the token's `oid`)",
    scenario: "sp-app-object-id",
    protocols: allAuthFailed,
    sources: [SRC.msOauth, SRC.msTokenClaims],
  },
  {
    id: "mailbox-not-found",
    title: "No such mailbox",
    cause: "XOAUTH2 `user=` names no mailbox (typo, or not its primary SMTP address)",
    protocols: allAuthFailed,
    sources: [SRC.msOauth, "UNCONFIRMED: that Exchange refuses at AUTH rather than later"],
  },
  {
    id: "no-fullaccess",
    title: "No FullAccess on the mailbox",
    cause: "`Add-MailboxPermission -Identity <mailbox> -User <sp> -AccessRights FullAccess` missing",
    scenario: "no-fullaccess",
    protocols: { pop3: { reply: "auth-failed" }, imap: { reply: "not-connected" } },
    sources: [SRC.msOauth, SRC.msMailboxPermission, SRC.notConnected74, "UNCONFIRMED: POP3's answer"],
  },
  {
    id: "no-mailbox-permission",
    title: "Neither SendAs nor FullAccess on the SMTP login mailbox",
    cause: "`Add-RecipientPermission ... SendAs` and `Add-MailboxPermission ... FullAccess` both missing",
    protocols: { smtp: { reply: "auth-failed" } },
    sources: [SRC.msOauth, SRC.msRecipientPermission, "UNCONFIRMED: that Exchange refuses at AUTH"],
  },
  {
    id: "pop-disabled",
    title: "POP3 disabled on the mailbox",
    cause: "`Set-CASMailbox -Identity <mailbox> -PopEnabled $false` (changes take up to ~30 minutes)",
    scenario: "pop-disabled",
    protocols: { pop3: { reply: "auth-failed" } },
    sources: [SRC.msCasMailbox, "UNCONFIRMED: POP3's answer"],
  },
  {
    id: "imap-disabled",
    title: "IMAP disabled on the mailbox",
    cause: "`Set-CASMailbox -Identity <mailbox> -ImapEnabled $false` (changes take up to ~30 minutes)",
    scenario: "imap-disabled",
    protocols: { imap: { reply: "not-connected" } },
    sources: [SRC.msCasMailbox, SRC.notConnectedGetmail],
  },
  {
    id: "smtp-auth-disabled-tenant",
    title: "SMTP AUTH off for the organisation",
    cause: "`Set-TransportConfig -SmtpClientAuthenticationDisabled $true` and no per-mailbox override",
    scenario: "smtp-auth-disabled",
    protocols: { smtp: { reply: "smtp-auth-disabled-tenant" } },
    sources: [SRC.msSmtpAuth],
  },
  {
    id: "smtp-auth-disabled-mailbox",
    title: "SMTP AUTH off for the mailbox",
    cause: "`Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $true`",
    protocols: { smtp: { reply: "smtp-auth-disabled-mailbox" } },
    sources: [SRC.msSmtpAuth, SRC.msCasMailbox],
  },
  {
    id: "basic-auth",
    title: "A password instead of XOAUTH2",
    cause: "The client sent USER/PASS, LOGIN or AUTH PLAIN/LOGIN: basic auth is off for POP and IMAP",
    protocols: {
      pop3: { reply: "auth-failed" },
      imap: { reply: "auth-failed", lines: ["{tag} NO LOGIN failed."] },
      smtp: { reply: "smtp-auth-refused" },
    },
    sources: [SRC.msBasicSmtpBlog, "UNCONFIRMED: the exact texts"],
  },
  {
    id: "pop3-one-line-auth",
    title: "POP3 AUTH XOAUTH2 with the response on the same line",
    cause: "Client bug: Exchange takes POP3 XOAUTH2 only in two steps (`AUTH XOAUTH2`, `+`, response)",
    protocols: { pop3: { reply: "auth-failed" } },
    sources: [SRC.msOauth, "https://github.com/genexuslabs/JavaClasses/pull/625"],
  },
  {
    id: "wrong-audience",
    title: "Token for the wrong resource",
    cause:
      "The token's `aud` is not Exchange Online (e.g. Microsoft Graph: scope other than https://outlook.office365.com/.default)",
    code: "WRONG_AUDIENCE",
    protocols: allAuthFailed,
    sources: [SRC.msOauth, SRC.msTokenClaims],
  },
  {
    id: "token-expired-at-login",
    title: "Token already expired at login",
    cause: "The token's `exp` is in the past (a stale cache, or the local clock is wrong)",
    code: "TOKEN_EXPIRED",
    protocols: allAuthFailed,
    sources: [SRC.msTokenClaims, SRC.msTokenLifetime],
  },
  {
    id: "token-expired-in-session",
    title: "Token expired during a long session",
    cause: "Nothing to fix: the session outlived its login token (60-90 minutes); log in again with a new token",
    protocols: { imap: { reply: "session-expired" } },
    sources: [SRC.tokenExpiredImapsync, SRC.msTokenLifetime, "UNCONFIRMED: what POP3 and SMTP do"],
  },
  {
    id: "connection-limit",
    title: "Connection limit reached",
    cause: "Too many simultaneous sessions of this mailbox (other clients, or connections not closed)",
    protocols: {
      pop3: { reply: "connection-limit" },
      imap: { reply: "connection-limit" },
      smtp: { reply: "connection-limit" },
    },
    sources: [SRC.dovecotObserved, SRC.notConnectedChurn, "UNCONFIRMED: Exchange Online's limit and wording"],
  },
  {
    id: "server-busy",
    title: "Server busy or throttling",
    cause: "Nothing to fix in the setup: the server is throttling or temporarily unavailable; retry later",
    protocols: { pop3: { reply: "server-busy" }, imap: { reply: "server-busy" }, smtp: { reply: "server-busy" } },
    sources: [SRC.popUnavailable, SRC.imapThrottled, SRC.rfc3206, SRC.rfc5530, SRC.rfc4954],
  },
  {
    id: "send-as-denied",
    title: "May not send as the From address",
    cause:
      "No SendAs on the From mailbox (`Add-RecipientPermission ... -AccessRights SendAs` missing): FullAccess does not allow sending",
    scenario: "no-sendas",
    protocols: { smtp: { reply: "send-as-denied" } },
    sources: [SRC.sendAsDenied, SRC.msRecipientPermission, SRC.msRecipientPermissions],
  },
  {
    id: "xoauth2-not-offered",
    title: "XOAUTH2 not offered",
    cause: "Not Exchange Online, or a server without the XOAUTH2 mechanism (CAPA / CAPABILITY / EHLO lacks it)",
    protocols: {
      pop3: { reply: "mechanism-unsupported" },
      imap: { reply: "mechanism-unsupported" },
      smtp: { reply: "mechanism-unsupported" },
    },
    sources: [SRC.rfc5034, SRC.rfc4959, SRC.rfc4954],
  },
  {
    id: "graph-no-consent",
    title: "No Graph mail permission consented",
    cause:
      "Microsoft Graph application permissions (Mail.Read / Mail.ReadWrite / Mail.Send) not added or admin consent not granted, and no RBAC for Applications assignment: the Graph token has no `roles` claim",
    scenario: "graph-no-consent",
    code: "GRAPH_PERMISSION_MISSING",
    protocols: {},
    graph: { reply: "access-denied", operation: "read" },
    sources: [GRAPH_SRC.errors, GRAPH_SRC.rbac],
  },
  {
    id: "graph-no-send",
    title: "No Graph Mail.Send permission",
    cause: "The app may read mail over Graph but Mail.Send (application) is not consented: sendMail is refused",
    scenario: "graph-no-send",
    code: "GRAPH_PERMISSION_MISSING",
    protocols: {},
    graph: { reply: "access-denied", operation: "send" },
    sources: [GRAPH_SRC.errors, GRAPH_SRC.sendMail],
  },
  {
    id: "graph-aap-excluded",
    title: "An Application Access Policy excludes the mailbox",
    cause:
      "`New-ApplicationAccessPolicy -AccessRight RestrictAccess -PolicyScopeGroupId <group>` and the mailbox is not in the group",
    scenario: "graph-aap-excluded",
    code: "GRAPH_MAILBOX_OUT_OF_SCOPE",
    protocols: {},
    graph: { reply: "aap-blocked", operation: "read" },
    sources: [GRAPH_SRC.aap],
  },
  {
    id: "graph-rbac-out-of-scope",
    title: "The mailbox is outside the app's RBAC for Applications scope",
    cause:
      '`New-ManagementRoleAssignment -App <sp> -Role "Application Mail.ReadWrite" -CustomResourceScope <scope>` and the scope\'s filter does not match the mailbox (no Entra consent)',
    scenario: "graph-rbac-out-of-scope",
    // Graph answers exactly as for an app without any permission (the same 403, and an RBAC-only app's token has no
    // roles), so nothing on the wire tells the two apart: the diagnosis is GRAPH_PERMISSION_MISSING, whose fix
    // covers both (grant the permission, or check the scope with Test-ServicePrincipalAuthorization).
    code: "GRAPH_PERMISSION_MISSING",
    protocols: {},
    graph: { reply: "access-denied", operation: "read" },
    sources: [GRAPH_SRC.rbac],
  },
];
