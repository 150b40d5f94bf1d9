/** `xoauth-mail send`: its options and help (src/cli/run/send.ts runs it, loaded only when it runs). */
import { type Command, Option } from "commander";
import { AUTH_ENV_HELP, addAuthOptions } from "../common-options.js";
import type { RunContext } from "../context.js";
import type { SendFlags } from "../run/send.js";

const HELP = `
The message is either a complete RFC 5322 message (FILE.eml, or - for stdin), sent byte for byte (only bare LF
line endings become CRLF, as SMTP requires; at most 200 MB), or a simple text message built from --subject,
--body / --body-file and --attach. The envelope sender is --from (default: --mailbox); the recipients are
--to, --cc and --bcc (each repeatable, or comma-separated). With a raw message, --cc and --bcc only add envelope
recipients: the message's own headers are never changed. Bcc recipients never appear in a header.

Sending as another address (--from) needs SendAs on that address for the app's service principal.
Default server: smtp.office365.com:587 with STARTTLS (other clouds: their host).

--protocol graph (or protocol: graph in the config account) sends through Microsoft Graph (application
permission Mail.Send, token scope https://graph.microsoft.com/.default or the cloud's, API root --graph-url or the
cloud's; no SMTP AUTH needed); its failures get the diagnoses of test --protocol graph. A message up to about 3 MB goes
byte for byte through sendMail (Graph's limit is 4 MB of base64). Graph has no envelope: it delivers to the To,
Cc and Bcc headers of the message; --to/--cc/--bcc addresses the headers do not name are added as one Bcc line
in front of the message, and header recipients you did not pass get it too (reported). Bigger messages, up to
Exchange's default of 35 MB, are rebuilt as a draft (attachments of 3 MB and more in upload sessions) and sent:
only From, To, Cc, Bcc, Reply-To, Subject, the HTML (else the text) body, X- headers and the attachments (inline
ones with their Content-ID) survive that path; Message-ID, In-Reply-To/References, other headers, the text
alternative of an HTML body, the exact MIME structure, S/MIME or DKIM-signed bytes and calendar invitations do
not. Over 35 MB: MESSAGE_TOO_LARGE before any request. The sender is the mailbox (--mailbox); a From address
other than the mailbox needs Send As for the mailbox on that address (SEND_AS_DENIED names the command).
202 Accepted means Graph took the message: delivery happens later, a copy is saved in Sent Items.

--json prints {ok, messageId, envelope:{from,to}, response, accepted, rejected, ms, mailbox, server} on success,
and {ok:false, mailbox, server, ms, steps:[{id,ok,ms,detail}], diagnosis:{code,summary,causes,fix}} on failure
(diagnosis.code is the same stable code \`test\` reports; Graph adds diagnosis.requestId, Graph's request-id). With --protocol graph the success JSON has
transport "graph", path "mime" or "draft", status 202, requestId, clientRequestId, from, addedBcc, headerOnly,
attachments {small, uploaded, ranges} (draft path), server {url}; response is "202 Accepted".

Examples:
  xoauth-mail send --mailbox reports@contoso.com --to ops@contoso.com report.eml
  generate-report | xoauth-mail send --mailbox reports@contoso.com --to ops@contoso.com,cfo@contoso.com -
  xoauth-mail send --mailbox reports@contoso.com --to ops@contoso.com --subject "Nightly export" \\
      --body "See attachment." --attach export.csv --json
  xoauth-mail send --mailbox shared@contoso.com --from noreply@contoso.com --to a@fabrikam.com \\
      --subject Hi --body-file body.txt --verbose
  xoauth-mail send --protocol graph --mailbox reports@contoso.com --to ops@contoso.com report.eml --json

${AUTH_ENV_HELP}

Exit codes: 0 sent (Graph: accepted), 2 usage/config, 3 identity platform or token, 4 the mail server or Graph
refused (login, SendAs, recipients, MESSAGE_TOO_LARGE), 5 network/TLS or server busy (SERVER_BUSY, THROTTLED),
1 unexpected.`;

/** Repeatable flags (--to, --cc, --bcc, --attach) collect their values. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerSend(program: Command, ctx: RunContext): void {
  const cmd = program
    .command("send")
    .summary("send one message over SMTP with XOAUTH2 (raw .eml byte for byte, or --subject/--body/--attach)")
    .description(
      "Send one message from a mailbox over SMTP submission with OAuth 2.0 (XOAUTH2).\nOn failure it names the root cause (SMTP AUTH disabled, SendAs missing, no access) and the fix.",
    )
    .argument("[file]", "the message: an RFC 5322 .eml file, or - for stdin");
  addAuthOptions(cmd)
    .option("--from <address>", "envelope sender and From of a composed message (default: --mailbox)")
    .option("--to <address>", "recipient (repeatable; or comma-separated)", collect)
    .option("--cc <address>", "Cc recipient (repeatable); for a raw message: envelope only", collect)
    .option("--bcc <address>", "Bcc recipient (repeatable): envelope only, never in a header", collect)
    .option("--subject <text>", "subject of a composed message")
    .option("--body <text>", "text body of a composed message")
    .option("--body-file <path>", "file with the text body (UTF-8) of a composed message")
    .option("--attach <file>", "attach a file to a composed message (repeatable)", collect)
    .addOption(
      new Option("--protocol <protocol>", "smtp (default): SMTP submission; graph: Microsoft Graph sendMail").choices([
        "smtp",
        "graph",
      ]),
    )
    .option("--host <host>", "SMTP server (default smtp.office365.com, or the cloud's)")
    .option("--port <port>", "SMTP port (default 587; 465 implies implicit TLS)")
    .addOption(new Option("--tls <mode>", "STARTTLS (default) or implicit TLS").choices(["implicit", "starttls"]))
    .option(
      "--timeout <duration>",
      "per-phase timeout, e.g. 30s or 500ms; a bare number is milliseconds (default 15 s connect, 30 s greeting, 60 s command)",
    )
    .option("--verbose", "print the SMTP transcript to stderr (token redacted; the message itself is never printed)")
    .addHelpText("after", HELP)
    .action(async (file: string | undefined, flags: SendFlags) =>
      (await import("../run/send.js")).sendAction(file, flags, ctx),
    );
}
