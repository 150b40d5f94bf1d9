import type { CodeCatalog, UiCatalog } from "../types.js";

/** Proxy: codes are shared with other areas (their texts live there); these are the proxy's UI strings. */
export const proxyCodes: CodeCatalog = {};

export const proxyUi: UiCatalog = {
  "proxy.prompt.password": "Password for the legacy client:",
  "proxy.prompt.repeat": "Repeat it:",
  "proxy.password.mismatch": "The two passwords differ.",
  "proxy.password.short": "Use a password of at least 8 characters.",
  "proxy.config.missing":
    "No config file: proxy needs accounts and a proxy: section. Looked for --config, XOAUTH_MAIL_CONFIG and {path} (not found). Pass --config FILE, or create that file (see docs/proxy.md).",
  "proxy.config.readable":
    "The config file {path} can be read by group or others (mode {mode}); it holds the proxy's password hashes, which anyone with a copy can attack offline. Run `chmod 600 {file}`.",
  "proxy.account.noMailbox": 'Account "{account}" has no mailbox; the proxy needs one (set mailbox in the account).',
  "proxy.stopping": "{signal}: no new connections, draining up to {seconds} s",
};
