import type { CodeCatalog, UiCatalog } from "../types.js";

/** `demo` has no error codes of its own. */
export const demoCodes: CodeCatalog = {};

/** English narration of `xoauth-mail demo` and the `sandbox` banner. Keys are stable; add, do not rename. */
export const demoUi: UiCatalog = {
  "demo.title": "xoauth-mail demo: a local Exchange Online fake on {host} (no tenant, no internet, no config needed)",
  "demo.started":
    "   identity platform {authority} · POP3S :{pop3s} · IMAPS :{imaps} · SMTP :{smtp} · mailbox {mailbox} with {count} messages",
  "demo.token": "1) Access token from the local identity platform (tenant {tenant}, client secret)",
  "demo.token.detail":
    "   ✓ appid {appid} · roles {roles} · expires in {minutes} min (the token itself is never shown)",
  "demo.test": "2) xoauth-mail test: XOAUTH2 login, step by step",
  "demo.fetch": "3) xoauth-mail fetch over POP3 into {maildir}",
  "demo.fetch.temp": "   (a temporary directory, removed at the end; --maildir DIR keeps the messages)",
  "demo.fetch.first": "   ✓ {count} new messages ({bytes} bytes) in {ms} ms",
  "demo.fetch.again": "   ✓ second run: {count} new, {skipped} already delivered: every message arrives exactly once",
  "demo.fetch.wrong": "   ✗ expected {expected} new messages, got {count}",
  "demo.fetch.graph": "   xoauth-mail fetch --protocol graph (delta query, $value streamed) into {maildir}",
  "demo.fetch.graph.first":
    "   ✓ {count} new messages ({bytes} bytes) in {ms} ms: byte for byte the messages POP3 delivered",
  "demo.fetch.graph.again":
    "   ✓ second run: {count} new ({skipped} listed again; the delta link returns only changes): exactly once over Graph too",
  "demo.fetch.graph.differs": "   ✗ the messages over Graph differ from the ones over POP3",
  "demo.break":
    "4) A classic mistake: the service principal has no FullAccess on {mailbox} (as before Add-MailboxPermission)",
  "demo.diagnosis": "   → diagnosis {code}: {summary}",
  "demo.cause": "   Likely cause: {cause}",
  "demo.fix": "   Fix:",
  "demo.expected.wrong": "   ✗ expected the diagnosis {expected}, got {code}",
  "demo.repair": "5) After the fix (Add-MailboxPermission ... -AccessRights FullAccess):",
  "demo.unexpected": "   ✗ {code}: {message}",
  "demo.done.ok": "✓ Demo complete in {ms} ms: every expected outcome happened; everything it started is stopped.",
  "demo.done.fail": "✗ Demo failed at: {failed}",
  "demo.next":
    "Next: `xoauth-mail sandbox` keeps this local tenant running for your own tests; `xoauth-mail init` sets up your real tenant.",
  "demo.started.graph": "   Microsoft Graph {graphUrl} (the same mailboxes)",
  "demo.token.graph":
    "   ✓ Microsoft Graph token (scope {scope}): aud {aud} · roles {roles} (a separate token and cache entry)",
  "demo.send.graph": "6) xoauth-mail send --protocol graph: a message from {mailbox} to {to} through Graph's sendMail",
  "demo.send.graph.accepted":
    "   ✓ 202 Accepted in {ms} ms (request-id {requestId}): Graph delivers later and keeps a copy in Sent Items",
  "demo.step.list": "1 message listed",
  "demo.step.send-probe": "send probe",
  "demo.step.connect": "TCP",
  "demo.step.tls": "TLS",
  "demo.step.greeting": "greeting",
  "demo.step.auth": "XOAUTH2",
  "demo.step.mailbox": "mailbox",
  "demo.step.send": "send",
  "demo.step.logout": "logout",
  "sandbox.title": "xoauth-mail sandbox: a local Exchange Online tenant is running (Ctrl-C stops it).",
  "sandbox.options": "Options for any xoauth-mail command:",
  "sandbox.servers": "Mail servers (--host/--port per protocol):",
  "sandbox.config": "Ready config file (secret in a 0600 file next to it):",
  "sandbox.try": "Try:",
  "sandbox.stopping": "sandbox: stopping ({signal})",
  "sandbox.stopped": "sandbox: stopped",
};
