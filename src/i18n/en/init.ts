import type { CodeCatalog, UiCatalog } from "../types.js";

/** `init` has no error codes of its own (token and test errors come from their areas). */
export const initCodes: CodeCatalog = {};

/** English prompts and messages of `xoauth-mail init`. Keys are stable; add, do not rename. */
export const initUi: UiCatalog = {
  "init.title":
    "xoauth-mail init: set up app-only access to an Exchange Online mailbox. Ctrl-C aborts; nothing is written before the end.",
  "init.ask.tenant": "Directory (tenant) ID: a GUID or a domain like contoso.onmicrosoft.com",
  "init.ask.client": "Application (client) ID of the app registration",
  "init.ask.credKind": "How does the app authenticate?",
  "init.cred.secret": "Client secret (its Value, not the Secret ID)",
  "init.cred.certificate": "Certificate (PEM file with certificate and private key)",
  "init.ask.secret": "Client secret Value (hidden)",
  "init.ask.certPath": "Path of the PEM file (certificate + private key)",
  "init.ask.certPassword": "Password of the private key (empty if none)",
  "init.ask.mailbox": "Mailbox to access (its primary SMTP address)",
  "init.ask.protocol": "Protocol",
  "init.ask.overwrite": 'Account "{account}" already exists in {path}. Replace it?',
  "init.exists":
    'Account "{account}" already exists in {path}; pass --yes to replace it, or --account NAME for another one.',
  "init.what.tenant": "the tenant ID",
  "init.what.client": "the client ID",
  "init.what.credential": "the app credential",
  "init.what.mailbox": "the mailbox",
  "init.missing.flag": "Missing {what}: pass {flag} (non-interactive mode asks nothing).",
  "init.invalid.empty": "Please enter a value.",
  "init.invalid.tenant":
    '"{value}" is not a tenant ID: enter the GUID from Entra admin center > Overview > Tenant ID, or a verified domain like contoso.onmicrosoft.com.',
  "init.invalid.multiTenant":
    '"{value}" is a multi-tenant alias; app-only tokens need the tenant itself (its GUID or domain).',
  "init.invalid.client":
    '"{value}" is not a GUID: use the Application (client) ID from App registrations > your app > Overview.',
  "init.invalid.mailbox": '"{value}" is not an e-mail address: enter the primary SMTP address, e.g. info@contoso.com.',
  "init.tenant.found": "✓ Tenant {tenant} found (tenant ID {tenantId})",
  "init.token.again": "Please enter it again.",
  "init.token.ok": "✓ Token received: appid {appid}, roles {roles}, expires in {minutes} min",
  "init.token.noRoles": "(none: admin consent missing)",
  "init.token.noRolesGraph":
    "(none: no admin consent for a Mail.* permission; an RBAC for Applications assignment does not show in the token, the test below checks it)",
  "init.graph.serverFlags":
    "--host, --port and --tls set a POP3/IMAP/SMTP server; Microsoft Graph is reached at its API root: use --graph-url (or no flag for the cloud's default).",
  "init.graph.urlFlag":
    "--graph-url is only used with --protocol graph, not with {protocol}: leave it out, or choose --protocol graph.",
  "init.written": '✓ Config written: {path} (account "{account}")',
  "init.secretWritten": "✓ Client secret stored in {path} (mode 0600), referenced from the config",
  "init.missing.title": "Still to do by an admin ({code}): {summary}",
  "init.missing.then": "Then check again: xoauth-mail test --config {path} --no-cache",
  "init.ready": "Ready. Use it with: xoauth-mail test --config {path}   (or fetch / send / proxy with --config)",
  "init.aborted": "Aborted; nothing was written.",
};
