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
  "proxy.listen.EADDRINUSE":
    'Listener "{name}" cannot listen on {address}: the port is already in use (another program, or another running proxy, listens there).',
  "proxy.listen.EADDRINUSE.fix":
    "Stop the other program (`ss -ltnp 'sport = :{port}'` shows which one), or set proxy.listeners.{name}.listen.port to a free port.",
  "proxy.listen.EACCES":
    'Listener "{name}" cannot listen on {address}: permission denied (ports below 1024 need privileges).',
  "proxy.listen.EACCES.fix":
    "Set proxy.listeners.{name}.listen.port to a port of 1024 or above (e.g. 1587, 1110, 1143), or allow the proxy to bind low ports (Linux: `setcap cap_net_bind_service=+ep` on node).",
  "proxy.listen.EADDRNOTAVAIL": 'Listener "{name}" cannot listen on {address}: this machine has no such address.',
  "proxy.listen.EADDRNOTAVAIL.fix":
    "Use one of this machine's addresses in proxy.listeners.{name}.listen.host (127.0.0.1 for local clients, 0.0.0.0 for all).",
  "proxy.listen.failed": 'Listener "{name}" cannot listen on {address}: {error}',
  "proxy.account.noMailbox": 'Account "{account}" has no mailbox; the proxy needs one (set mailbox in the account).',
  "proxy.stopping": "{signal}: no new connections, draining up to {seconds} s",
  "proxy.graph.imap":
    'Listener "{name}": upstream: graph is available for SMTP and POP3 listeners, not for IMAP (the proxy does not serve IMAP over Graph). Remove upstream: graph to log in to Exchange\'s IMAP server, or use protocol: pop3.',
  "proxy.graph.folderPop3Only":
    'Listener "{name}": folder and deleteTo apply to POP3 listeners with upstream: graph only. Remove them, or set protocol: pop3 and upstream: graph.',
};
