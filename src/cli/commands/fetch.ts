/** `xoauth-mail fetch`: its options and help (src/cli/run/fetch.ts runs it, loaded only when it runs). */
import { type Command, Option } from "commander";
import { AUTH_ENV_HELP, addAuthOptions } from "../common-options.js";
import type { RunContext } from "../context.js";
import type { FetchFlags } from "../run/fetch.js";

const EXAMPLES = `
Examples:
  # everything new in the Inbox into ~/Maildir, leave it on the server (a rerun fetches nothing twice)
  xoauth-mail fetch --account shop --maildir ~/Maildir
  # IMAP, delete on the server once stored durably, run a processor per message
  xoauth-mail fetch --mailbox info@contoso.com --protocol imap --delete --maildir /srv/mail \\
      --exec '/opt/erp/import-mail "$1"' --exec-required
  # daemon: wait for new mail with IMAP IDLE, JSON logs for the log collector
  xoauth-mail fetch --all --config /etc/xoauth-mail/config.yaml --maildir /srv/mail --protocol imap --idle --log-format json
  # Microsoft Graph, every 5 minutes: a subfolder, each stored message then moved to the folder "Processed"
  xoauth-mail fetch --mailbox invoices@contoso.com --protocol graph --folder Inbox/Invoices --move-to Processed \\
      --maildir /srv/mail --every 5m

Exactly-once: a message is deleted on the server (--delete), moved (--move-to) or marked read (--mark-read) only
after it is fsynced in new/ and recorded in <maildir>/.xoauth-mail/; a killed run resumes where it stopped, without
losing or duplicating a message (an interrupted move or delete is retried, never the download).
Graph (--protocol graph): a Graph token (scope https://graph.microsoft.com/.default per cloud; the app needs
Mail.Read, or Mail.ReadWrite for --delete/--move-to/--mark-read); the folder is read with delta queries and
immutable ids, up to 4 downloads in flight. --delete puts messages into Deleted Items. --idle needs IMAP.
--exec CMD runs through /bin/sh with the file path as $1 (and XOAUTH_MAIL_FILE).
--json prints {ok, account, protocol, fetched, bytes, deleted, skipped, errors, ms} (an array with --all).
--all fetches every account of the config file, each into its \`maildir\` or <--maildir>/<account name>.

${AUTH_ENV_HELP}

Exit codes: 0 ok, 2 usage/config, 3 identity platform, 4 mail server refused, 5 network/TLS or server busy (retried first), 6 local (Maildir, --exec).`;

export function registerFetch(program: Command, ctx: RunContext): void {
  const cmd = program
    .command("fetch")
    .summary("download new mail exactly once into a Maildir (POP3, IMAP or Microsoft Graph)")
    .description(
      "Download every new message of an Exchange Online mailbox into a Maildir, exactly once: crash-safe, streamed, with optional deletion on the server, processing hooks and a daemon mode.",
    );
  addAuthOptions(cmd)
    .option("--maildir <dir>", "Maildir to deliver into (created if missing); with --all the root for all accounts")
    .addOption(
      new Option("--protocol <protocol>", "pop3 (default), imap or graph (Microsoft Graph)").choices([
        "pop3",
        "imap",
        "graph",
      ]),
    )
    .option("--delete", "delete each message on the server once it is stored durably (Graph: to Deleted Items)")
    .option("--keep", "leave messages on the server (default); reruns skip what was delivered")
    .option("--move-to <folder>", "Graph: move each message to FOLDER (e.g. Processed) once it is stored durably")
    .option("--mark-read", "Graph: mark each message read once it is stored durably")
    .option("--folder <name>", "IMAP folder (default INBOX); Graph folder path (default inbox, e.g. Inbox/Invoices)")
    .option("--limit <n>", "fetch at most N new messages")
    .option("--exec <cmd>", "run CMD (via /bin/sh) per delivered message; the file path is $1")
    .option("--exec-required", "a failing --exec stops the run and keeps that message on the server")
    .option("--attachments <dir>", "extract attachments (safe names) plus a JSON sidecar per message into DIR")
    .option("--every <duration>", "daemon: fetch again every DURATION, e.g. 5m or 1h; a bare number is seconds")
    .option("--idle", "daemon (IMAP only): wait for new mail with IDLE, fetch within seconds")
    .addOption(new Option("--log-format <format>", "log lines on stderr").choices(["text", "json"]).default("text"))
    .option("--all", "fetch every account of the config file")
    .option("--host <host>", "mail server (default per cloud: outlook.office365.com)")
    .option("--port <port>", "port (default 995 POP3S / 993 IMAPS; 110 / 143 with --tls starttls)")
    .addOption(new Option("--tls <mode>", "implicit TLS (default) or STARTTLS/STLS").choices(["implicit", "starttls"]))
    .option(
      "--timeout <duration>",
      "network inactivity timeout, e.g. 90s or 2m; a bare number is seconds (default 60 s per command, 120 s while streaming)",
    )
    .option("--retries <n>", "reconnects without progress before giving up (default 3)")
    .option(
      "--retry-delay <duration>",
      "first reconnect delay, doubled per failure, e.g. 2s (a bare number is ms; default 1s)",
    )
    .option("--batch <n>", "messages made durable (one directory fsync) before acknowledging them (default 64)")
    .option("--verbose", "log every delivered message")
    .addHelpText("after", EXAMPLES)
    .action(async (flags: FetchFlags) => (await import("../run/fetch.js")).fetchAction(flags, ctx));
}
