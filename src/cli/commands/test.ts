/** `xoauth-mail test`: its options and help (src/cli/run/test.ts runs it, loaded only when it runs). */
import { type Command, Option } from "commander";
import { TRANSPORTS } from "../../auth/clouds.js";
import { AUTH_ENV_HELP, addAuthOptions } from "../common-options.js";
import type { RunContext } from "../context.js";
import type { TestFlags } from "../run/test.js";

const HELP = `
Steps: options, access token, token claims (audience, role, expiry), TCP connect, TLS, greeting + capabilities
(XOAUTH2 offered?), authenticate, mailbox access (POP3 STAT; IMAP LIST + EXAMINE INBOX; SMTP EHLO after AUTH and,
with --send-test-to, one test message), logout. A token claims problem is reported as the root cause, but the
login is still attempted so the server's answer is shown too.

--protocol graph: options, access token (scope https://graph.microsoft.com/.default), token claims (audience Graph,
expiry; missing Mail.* roles are noted, not failed: RBAC for Applications grants are not in the token), TCP connect
and TLS to the Graph host, mailbox (the inbox folder), one message listed, and with --check-send a send permission
probe (sendMail without recipients: Graph refuses it before anything is sent). Graph's 403s are told apart:
GRAPH_PERMISSION_MISSING (no Mail.* permission or RBAC assignment), GRAPH_MAILBOX_OUT_OF_SCOPE (an RBAC management
scope or Application Access Policy leaves the mailbox out), MAILBOX_NOT_FOUND, WRONG_AUDIENCE, THROTTLED.
--protocol all tests POP3, IMAP and SMTP, and Graph too when a Graph URL is set (--graph-url, XOAUTH_MAIL_GRAPH_URL,
graphUrl) or the account's protocol is graph.

Defaults: POP3 outlook.office365.com:995 implicit TLS, IMAP outlook.office365.com:993 implicit TLS,
SMTP smtp.office365.com:587 STARTTLS, Graph https://graph.microsoft.com/v1.0 (other clouds: their hosts).
Ports 110/143/587/25 imply --tls starttls.

--json prints {ok, protocol, mailbox, server:{host,port,tls}, steps:[{id,ok,ms,detail}],
claims:{appid,oid,tid,aud,roles,exp}, diagnosis:{code,summary,causes:[...],fix:[...]}};
with --protocol all: {ok, results:[<one such object per protocol>]}. diagnosis.code is a stable code (OK on success);
a refused Graph request adds diagnosis.requestId (Graph's request-id, for Microsoft support).

Examples:
  xoauth-mail test --mailbox shared@contoso.com --tenant-id contoso.onmicrosoft.com --client-id <id> \\
      --client-secret-file ~/.secret
  xoauth-mail test --mailbox shared@contoso.com --protocol all --json
  xoauth-mail test --mailbox shared@contoso.com --protocol smtp --send-test-to me@contoso.com --verbose
  xoauth-mail test --mailbox shared@contoso.com --protocol graph --check-send

${AUTH_ENV_HELP}

Exit codes: 0 ok, 2 usage/config, 3 identity platform or token claims, 4 the mail server refused,
5 network/TLS or server busy (SERVER_BUSY), 1 unexpected.`;

export function registerTest(program: Command, ctx: RunContext): void {
  const cmd = program
    .command("test")
    .summary("check access to a mailbox (XOAUTH2 or Microsoft Graph) step by step and name the root cause of a failure")
    .description(
      "Get a token and log in to the mailbox over POP3, IMAP or SMTP with XOAUTH2 (or read it through Microsoft Graph), checking every step.\nOn failure it names the root cause and prints the fix with your tenant, app and mailbox filled in.",
    );
  addAuthOptions(cmd)
    .addOption(
      new Option(
        "--protocol <protocol>",
        "protocol to test (default pop3); all = pop3, imap, smtp (+ graph, see below)",
      ).choices([...TRANSPORTS, "all"]),
    )
    .option("--host <host>", "mail server host (default per cloud and protocol)")
    .option("--port <port>", "mail server port (default 995 / 993 / 587)")
    .addOption(
      new Option("--tls <mode>", "implicit TLS or STARTTLS (default per protocol and port)").choices([
        "implicit",
        "starttls",
      ]),
    )
    .option("--send-test-to <address>", "SMTP: also send a short test message to this address")
    .option("--check-send", "Graph: also probe the permission to send as the mailbox (sends nothing)")
    .option(
      "--timeout <duration>",
      "per-phase timeout, e.g. 30s or 500ms; a bare number is milliseconds (default 15 s connect, 30 s greeting, 60 s command)",
    )
    .option("--verbose", "print the protocol transcript (token and base64 redacted) to stderr")
    .option("--show-token", "with --verbose: do not redact the token in the transcript")
    .addHelpText("after", HELP)
    .action(async (flags: TestFlags) => (await import("../run/test.js")).testAction(flags, ctx));
}
