import type { CodeCatalog, UiCatalog } from "../types.js";

/** `test` / `send` step details, headers and `token --decode` labels. Keys are stable; add, do not rename. */
export const stepsCodes: CodeCatalog = {};

export const stepsUi: UiCatalog = {
  "header.at": "at {host}:{port} ({tls})",
  "tls.implicit": "implicit TLS",
  "tls.starttls": "STARTTLS",
  "step.notMeasured": "not measured separately",
  "step.detail.options": "tenant {tenantId}, client {clientId}, {credential}",
  "step.detail.credential.secret": "client secret",
  "step.detail.credential.certificate": "certificate",
  "step.detail.sendOptions": "from {from} to {count} recipient(s), {message}",
  "step.detail.message.raw": "raw message {source}",
  "step.detail.message.compose": "composed message, {attachments} attachment(s)",
  "step.detail.tokenCache": "from cache, expires in {minutes} min",
  "step.detail.tokenEndpoint": "from the token endpoint, expires in {minutes} min",
  "step.detail.noClaims": "no claims",
  "step.detail.audNotExchange": "aud {aud} is not Exchange Online",
  "step.detail.noRoles": "no roles claim (admin consent missing)",
  "step.detail.rolesLack": "roles lack {role}",
  "step.detail.expiredAgo": "expired {minutes} min ago",
  "step.detail.claimsOk": "aud {aud}, role {role}, {minutes} min left, oid {oid}",
  "step.detail.audNotGraph": "aud {aud} is not Microsoft Graph",
  "step.detail.graphClaims": "aud {aud}, roles {roles}, {minutes} min left, oid {oid}",
  "step.detail.graphNoRoles":
    "aud {aud}, no Mail.* roles (RBAC for Applications grants are not in the token), {minutes} min left, oid {oid}",
  "step.detail.graphViaProxy": "{host}:{port} through the HTTPS proxy (checked by the first request)",
  "step.detail.graphInbox": "{mailbox}: folder {name}, {total} messages, {unread} unread",
  "step.detail.graphListed": "1 message listed (received {received})",
  "step.detail.graphEmpty": "the inbox is empty: listing works",
  "step.detail.graphSendAllowed": "sending as {mailbox} is allowed (the probe sent nothing)",
  "step.detail.connectInclTls": "{host}:{port} (incl. TLS)",
  "step.detail.tlsCert": "{version}, certificate {cn} (issuer {issuer}) trusted, name matches",
  "step.detail.tlsTrusted": "{mode}, certificate trusted",
  "step.detail.stls": "STLS: {tls}; {caps}",
  "step.detail.capsRead": "capabilities read",
  "step.detail.xoauth2Accepted": "XOAUTH2 accepted for {mailbox}",
  "step.detail.stat": "STAT: {count} messages, {size} bytes",
  "step.detail.imapMailbox": "LIST: {boxes} folders; EXAMINE INBOX: {exists} messages",
  "step.detail.ehloAfterAuth": "EHLO after AUTH: {extensions}",
  "step.detail.sentTo": "sent to {to}: {response}",
  "step.failed.reply": "{message} ({reply})",
  "step.failed.noReply": "{message}",
  "token.header": "Header",
  "token.claims": "Claims",
  "token.expires": "expires",
  "token.source": "source",
  "token.source.cache": "cache",
  "token.source.endpoint": "token endpoint",
  "token.cacheRefused.others-write":
    "not cached: others can write {dir} (mode {mode}), so it is not used; make it private: chmod 700 {dir}",
  "token.cacheRefused.other-owner":
    "not cached: {dir} belongs to another user; set XOAUTH_MAIL_CACHE_DIR to a directory of this user",
  "token.cacheRefused.not-directory":
    "not cached: {dir} is not a directory; remove it or set XOAUTH_MAIL_CACHE_DIR to a directory of this user",
  "token.cache": "cache",
  "token.checks": "Checks ({protocol})",
  "token.absent": "(absent)",
  "token.empty": "(empty)",
  "token.noExp": "(no exp claim)",
  "token.minLeft": "{minutes} min left",
  "token.expiredAgo": "expired {minutes} min ago",
  "token.check.audience.ok": "aud {aud} is Exchange Online",
  "token.check.audience.graph":
    "aud {aud} is Microsoft Graph: the token was requested with the Graph scope; use https://outlook.office365.com/.default",
  "token.check.audience.other":
    "aud {aud} is not Exchange Online; request the scope https://outlook.office365.com/.default",
  "token.check.audience.forGraph.ok": "aud {aud} is Microsoft Graph",
  "token.check.audience.forGraph.exchange":
    "aud {aud} is Exchange Online (POP/IMAP/SMTP), not Microsoft Graph: request https://graph.microsoft.com/.default (drop --scope with --protocol graph)",
  "token.check.audience.forGraph.other":
    "aud {aud} is not Microsoft Graph; request the scope https://graph.microsoft.com/.default",
  "token.check.role.forGraph.ok": "roles contain {mailRoles}",
  "token.check.role.forGraph.noRoles":
    "no roles claim: no Graph application permission (Mail.Read, Mail.ReadWrite, Mail.Send) has admin consent. An app scoped with RBAC for Applications has NO roles in its token and may still be allowed: xoauth-mail test --protocol graph asks the mailbox",
  "token.check.role.forGraph.noRead":
    "roles [{roles}] hold no Mail.Read/Mail.ReadWrite/Mail.ReadBasic; reading may still be granted by RBAC for Applications (not in the token): xoauth-mail test --protocol graph asks the mailbox",
  "token.check.role.ok": "roles contain {role}",
  "token.check.role.noRoles":
    "no roles claim: admin consent was not granted for any application permission (needs {role})",
  "token.check.role.lack": "roles [{roles}] lack {role}: add the application permission and grant admin consent",
  "token.check.expiry.ok": "expires {time} ({minutes} min left)",
  "token.check.expiry.expired": "expired {time} ({minutes} min ago)",
  "token.check.expiry.none": "no exp claim",
  "token.check.app-only.ok": "app-only token (appidacr={appidacr})",
  "token.check.app-only.delegated":
    "a delegated (user) token (idtyp={idtyp}, scp present: {scp}); xoauth-mail needs an app-only token",
};
