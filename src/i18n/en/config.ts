import type { UiCatalog } from "../types.js";

/** Config file and secret files (src/config). Keys are stable; add, do not rename. */
export const configUi: UiCatalog = {
  "config.invalid": "Config file {path} is invalid: {issues}",
  "config.unknownKey.top": 'unknown key "{key}" at the top level',
  "config.unknownKey.account": 'unknown key "{key}" in account "{account}" ({at})',
  "config.unknownKey.defaults": 'unknown key "{key}" in defaults ({at})',
  "config.unknownKey.other": 'unknown key "{key}" ({at})',
  "config.unknownKey.suggest": ' - did you mean "{suggestion}"?',
  "config.unknownKey.valid": " - valid keys here: {keys}",
  "config.unknownKey.why":
    "Keys xoauth-mail does not know are refused, so that a typo cannot silently fall back to a default (for example POP3 instead of IMAP).",
  "config.unknownKey.fix":
    "Correct or remove the key in {path}; the JSON Schema schema/config.schema.json shipped with xoauth-mail lists every key (editors with YAML support check the file as you type).",
  "config.account.unknown": 'Account "{account}" is not in {path} (accounts: {accounts})',
  "config.private.message":
    "The {what} file {path} ({flag}) can be read by group or others (mode {mode}); a file holding a secret is accepted only when its owner alone can read it.",
  "config.private.why":
    "Any other user of this machine could copy the secret and, with it, reach every mailbox the app may access.",
  "config.private.fix":
    "Run `chmod 600 {file}` (as its owner or root; if another user owns the file, also `chown` it to the user that runs xoauth-mail).",
  "config.inline.message":
    "Config file {path} holds an inline secret ({keys}) and can be read by group or others (mode {mode}); inline secrets are accepted only when the owner alone can read the file.",
  "config.inline.fix":
    "Run `chmod 600 {file}`, or move the secret into a file of its own (mode 0600) and reference it: `secret: {file: PATH}` (or `secret: {env: NAME}`).",
  "config.inline.windows":
    "Config file {path} holds an inline secret ({keys}); on Windows xoauth-mail cannot check who may read a file, so inline secrets are refused.",
  "config.inline.windows.fix":
    'Move the secret into a file of its own, reference it with `secret: {file: PATH}`, and let only the account that runs xoauth-mail read it: `icacls PATH /inheritance:r /grant:r "%USERNAME%:R"`.',
  "config.secret.empty": "The {what} file {path} ({flag}) is empty or holds only blank lines.",
  "config.secret.lines":
    "The {what} file {path} ({flag}) holds {count} non-empty lines; it must hold the {what} alone, on one line.",
  "config.secret.nul":
    "The {what} file {path} ({flag}) holds NUL bytes: it is neither UTF-8 nor UTF-16 text with a byte order mark.",
  "config.secret.fix":
    "Write only the {what} into {path}, on one line, as UTF-8 or UTF-16 text (Notepad: Save as, Encoding UTF-8), then `chmod 600 {file}`.",
  "config.what.client secret": "client secret",
  "config.what.certificate password": "certificate password",
  "config.what.certificate": "certificate",
  "config.what.private key": "private key",
  "config.what.tenant ID": "tenant ID",
  "config.what.client ID": "client ID",
  "config.missing": "The {what} is missing: set {flag}, the environment variable {env}, or `{key}` in the config file.",
  "config.missing.inFile":
    "The {what} is missing: set {flag}, the environment variable {env}, or `{key}` in the config file {path} (account {account}).",
  "config.credential.missing":
    "No client credential: set --client-secret-file PATH, AZURE_CLIENT_SECRET, or --certificate PATH (AZURE_CLIENT_CERTIFICATE_PATH), or `secret`/`certificate` in the config file.",
  "config.credential.missing.inFile":
    "No client credential: set --client-secret-file PATH, AZURE_CLIENT_SECRET, or --certificate PATH (AZURE_CLIENT_CERTIFICATE_PATH), or `secret`/`certificate` in the config file {path} (account {account}).",
  "config.account.noConfig": "--account {account} needs a config file that holds this account.",
  "config.all.noConfig": "--all needs a config file with accounts.",
  "config.all.noAccounts": "--all needs a config file with accounts; {path} has none.",
  "config.notFound.why":
    "No config file was found: --config was not given, XOAUTH_MAIL_CONFIG is not set, and {path} does not exist.",
  "config.notFound.fix":
    "Run `xoauth-mail init` to write {path}, or name a config file elsewhere with --config FILE (or XOAUTH_MAIL_CONFIG).",
};
