/** `xoauth-mail init`: its options and help (src/cli/run/init.ts runs it, loaded only when it runs). */
import { type Command, Option } from "commander";
import type { RunContext } from "../context.js";
import type { InitFlags } from "../run/init.js";

const HELP = `
Asks for what is not given as a flag: tenant ID (checked: shape, then tenant discovery), client ID, client secret
or certificate, mailbox, protocol. Then gets a token (a rejected secret is explained and asked again), runs
\`xoauth-mail test\`, writes the config file (default $XDG_CONFIG_HOME/xoauth-mail/config.yaml, or --config PATH)
with the secret in a separate 0600 file next to it, and prints the admin steps still missing.

Scripted (no prompts): give every value as a flag and --non-interactive (or --yes, which also replaces an existing
account). The secret comes from --client-secret-file or the environment variable AZURE_CLIENT_SECRET.
  xoauth-mail init --non-interactive --tenant-id contoso.onmicrosoft.com --client-id <GUID> \\
      --client-secret-file ./secret.txt --mailbox info@contoso.com --protocol imap

Microsoft Graph instead of POP3/IMAP/SMTP: --protocol graph (or choose it at the protocol prompt). The token is then
requested for Graph (scope https://graph.microsoft.com/.default, other clouds: their Graph host), the test reads the
inbox and lists one message (as \`xoauth-mail test --protocol graph\`), and the config gets protocol: graph, no
servers section, and graphUrl only when --graph-url was given (without --protocol, --graph-url implies graph).
--host/--port/--tls do not apply to graph. The app needs the Graph application permission Mail.Read (reading),
Mail.ReadWrite (moving, marking read, deleting) or Mail.Send (sending), with admin consent, or an RBAC for
Applications role assignment; a refusal is diagnosed and the admin step printed, as for the other protocols.
  xoauth-mail init --non-interactive --tenant-id contoso.onmicrosoft.com --client-id <GUID> \\
      --client-secret-file ./secret.txt --mailbox info@contoso.com --protocol graph

Exit codes: 0 set up and the test passed; 2 usage; 3 the identity platform refused; 4 the mail server or Graph refused
(config written, admin steps printed); 5 network/TLS; 130 aborted with Ctrl-C (nothing written).`;

export function registerInit(program: Command, ctx: RunContext): void {
  program
    .command("init")
    .summary("set up access to a mailbox step by step and write the config file")
    .description(
      "Guided setup: asks tenant, app, credential, mailbox and protocol (POP3, IMAP, SMTP or Microsoft Graph), checks each (discovery, token, login),\nwrites the config file with the secret in a separate 0600 file and prints the admin steps still missing.",
    )
    .option("--tenant-id <id>", "Directory (tenant) ID: GUID or verified domain")
    .option("--client-id <id>", "Application (client) ID")
    .option("--client-secret-file <path>", "file: the client secret Value alone, mode 0600 (or AZURE_CLIENT_SECRET)")
    .option("--certificate <path>", "PEM with certificate + private key, instead of a secret")
    .option("--certificate-password <password>", "password of the certificate's private key")
    .option("--mailbox <address>", "mailbox to access (primary SMTP address)")
    .addOption(
      new Option("--protocol <protocol>", "protocol (default pop3; graph = the Microsoft Graph mail API)").choices([
        "pop3",
        "imap",
        "smtp",
        "graph",
      ]),
    )
    .option(
      "--graph-url <url>",
      "with --protocol graph: Graph API root, https only (default per cloud: https://graph.microsoft.com/v1.0)",
    )
    .addOption(new Option("--cloud <cloud>", "national cloud").choices(["global", "usgov", "china"]))
    .option("--authority-host <url>", "identity platform URL, overrides --cloud")
    .option("--ca-file <path>", "PEM CA certificate(s) trusted in addition to the system roots")
    .option("--proxy <url>", "HTTPS proxy for the identity platform (or HTTPS_PROXY)")
    .option("--host <host>", "POP3/IMAP/SMTP: mail server host (default per cloud and protocol)")
    .option("--port <port>", "POP3/IMAP/SMTP: mail server port")
    .addOption(new Option("--tls <mode>", "POP3/IMAP/SMTP: implicit TLS or STARTTLS").choices(["implicit", "starttls"]))
    .option("--config <path>", "config file to write (default $XDG_CONFIG_HOME/xoauth-mail/config.yaml)")
    .option("--account <name>", "account name in the config file", "default")
    .option("--non-interactive", "never prompt; every value must come from flags")
    .option("--yes", "non-interactive, and replace an existing account of the same name")
    .option("--skip-test", "do not run the login test (only token and config)")
    .addHelpText("after", HELP)
    .action(async (flags: InitFlags) => (await import("../run/init.js")).initAction(flags, ctx));
}
