/** Public sources of the facts in the Exchange behaviour table and docs/exchange-behaviour.md. */

export const SRC = {
  /** Microsoft: Authenticate an IMAP, POP or SMTP connection using OAuth (XOAUTH2 format, test vector, app-only). */
  msOauth:
    "https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth",
  /** Microsoft: Enable or disable authenticated client SMTP submission (SMTP AUTH) in Exchange Online. */
  msSmtpAuth:
    "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission",
  /** Microsoft: Set-CASMailbox (-PopEnabled, -ImapEnabled, -SmtpClientAuthenticationDisabled). */
  msCasMailbox: "https://learn.microsoft.com/en-us/powershell/module/exchange/set-casmailbox",
  /** Microsoft: Add-RecipientPermission (SendAs). */
  msRecipientPermission: "https://learn.microsoft.com/en-us/powershell/module/exchange/add-recipientpermission",
  /** Microsoft: Add-MailboxPermission (FullAccess). */
  /** "Manage permissions for recipients": Full Access "doesn't allow the delegate to send messages from the mailbox". */
  msRecipientPermissions: "https://learn.microsoft.com/en-us/exchange/recipients/mailbox-permissions",
  msMailboxPermission: "https://learn.microsoft.com/en-us/powershell/module/exchange/add-mailboxpermission",
  /** Microsoft: access token claims reference (aud, roles, oid, idtyp, exp). */
  msTokenClaims: "https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference",
  /** Microsoft: OAuth 2.0 client credentials flow (token request, /.default scope, error body). */
  msClientCredentials: "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow",
  /** Microsoft: certificate credentials (client assertion). */
  msCertificate: "https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials",
  /** Microsoft: AADSTS error codes. */
  msAadsts: "https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes",
  /** Microsoft: access token lifetime (default 60-90 minutes). */
  msTokenLifetime: "https://learn.microsoft.com/en-us/entra/identity-platform/configurable-token-lifetimes",
  /** Microsoft: national clouds and their authority hosts. */
  msNationalClouds: "https://learn.microsoft.com/en-us/entra/identity-platform/authentication-national-cloud",
  /** Exchange Team blog: retiring Basic auth for Client Submission (SMTP AUTH), with its later timeline updates. */
  msBasicSmtpBlog:
    "https://techcommunity.microsoft.com/t5/exchange-team-blog/exchange-online-to-retire-basic-auth-for-client-submission-smtp/ba-p/4114750",
  rfc1939: "https://www.rfc-editor.org/rfc/rfc1939",
  rfc2449: "https://www.rfc-editor.org/rfc/rfc2449",
  rfc3206: "https://www.rfc-editor.org/rfc/rfc3206",
  rfc3501: "https://www.rfc-editor.org/rfc/rfc3501",
  rfc4954: "https://www.rfc-editor.org/rfc/rfc4954",
  rfc4959: "https://www.rfc-editor.org/rfc/rfc4959",
  rfc5034: "https://www.rfc-editor.org/rfc/rfc5034",
  rfc5321: "https://www.rfc-editor.org/rfc/rfc5321",
  rfc5530: "https://www.rfc-editor.org/rfc/rfc5530",
  rfc7628: "https://www.rfc-editor.org/rfc/rfc7628",
  /** Public transcripts: `BAD User is authenticated but not connected.` after a successful XOAUTH2 login. */
  notConnected74: "https://github.com/simonrob/email-oauth2-proxy/issues/74",
  notConnectedGetmail: "https://github.com/getmail6/getmail6/issues/214",
  /** `* BYE Session invalidated - AccessTokenExpired` in a long IMAP session. */
  tokenExpiredImapsync: "https://github.com/imapsync/imapsync/issues/250",
  tokenExpiredImapBackup: "https://github.com/joeyates/imap-backup/issues/198",
  /** `-ERR Server Unavailable. 21` from Exchange Online POP3. */
  popUnavailable: "https://github.com/simonrob/email-oauth2-proxy/issues/379",
  /** `BAD Request is throttled. Suggested Backoff Time: ... milliseconds` from Exchange Online IMAP. */
  imapThrottled: "https://github.com/imapsync/imapsync/issues/212",
  /** `554 5.2.252 SendAsDenied; ... not allowed to send as ...; STOREDRV.Submission.Exception:SendAsDeniedException`. */
  sendAsDenied: "https://github.com/gophish/gophish/issues/2900",
  /** Connections to Exchange Online IMAP get `User is authenticated but not connected` under connection churn. */
  notConnectedChurn: "https://github.com/mscdex/node-imap/issues/523",
  /** Dovecot 2.2 answered the user+IP limit with `NO [UNAVAILABLE] Maximum number of connections ...`. */
  dovecotUnavailable: "https://github.com/mscdex/node-imap/issues/606",
  /** Dovecot 2.3.19.1 (Debian 12), driven by this repository's test Dovecot (test/harness/dovecot/dovecot.ts). */
  dovecotObserved:
    "observed: Dovecot 2.3.19.1 started by test/harness/dovecot/dovecot.ts (11 logins of one user from 127.0.0.1)",
} as const;
