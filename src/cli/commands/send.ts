/**
 * `xoauth-mail send`: one message over SMTP submission with XOAUTH2 (two-step), or through Microsoft Graph
 * (`--protocol graph`), either a raw .eml sent byte for byte (file or stdin) or a simple message from
 * --subject/--body/--attach. Failures get one diagnosed root cause.
 */
import { type Command, Option } from "commander";
import { createTokenProvider } from "../../auth/provider.js";
import { type AuthFlags, resolveSettings, scopeFor } from "../../config/settings.js";
import { diagnose } from "../../diagnose/engine.js";
import { formatDiagnosis } from "../../diagnose/format.js";
import type { MailServer } from "../../diagnose/server.js";
import { type Diagnosis, type DiagnosisStep, stepJson } from "../../diagnose/types.js";
import { exitCodeOf, toXoauthError, XoauthError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { optionsDetail, type PreparedSend, prepareSend } from "../../send/prepare.js";
import { smtpSentJson } from "../../send/result.js";
import { runSend, type SendRunResult } from "../../send/run.js";
import { AUTH_ENV_HELP, addAuthOptions } from "../common-options.js";
import type { RunContext } from "../context.js";
import { parseTimeout } from "../duration.js";
import { processOut } from "../output.js";
import { printGraphSent } from "./send-graph.js";

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

interface SendFlags extends AuthFlags {
  protocol?: "smtp" | "graph";
  from?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  subject?: string;
  body?: string;
  bodyFile?: string;
  attach?: string[];
  host?: string;
  port?: string;
  tls?: string;
  timeout?: string;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

async function prepare(flags: SendFlags, file: string | undefined): Promise<PreparedSend> {
  const timeoutMs = flags.timeout !== undefined ? parseTimeout(flags.timeout, "--timeout", "ms") : undefined;
  return prepareSend(flags, file, () => resolveSettings(flags), timeoutMs);
}

function failureJson(
  mailbox: string,
  server: MailServer | { url: string } | null,
  r: Pick<Partial<SendRunResult>, "ms" | "steps">,
  d: Diagnosis,
) {
  return {
    ok: false,
    mailbox,
    server,
    ms: r.ms ?? 0,
    steps: (r.steps ?? []).map(stepJson),
    diagnosis: d,
  };
}

function usageFailure(flags: SendFlags, e: unknown): { steps: DiagnosisStep[]; diagnosis: Diagnosis } {
  const err = toXoauthError(e);
  if (err.code === "USAGE" && err.fix.length === 0) err.fix = ["Run `xoauth-mail send --help` for usage and examples."];
  const steps: DiagnosisStep[] = [{ id: "options", ok: false, ms: 0, detail: err.message, error: err }];
  const mailbox = flags.mailbox ?? flags.targetMailbox ?? "";
  const diagnosis = diagnose({
    steps,
    options: { mailbox, protocol: "smtp", host: flags.host ?? "-", port: 0, tls: "starttls", cloud: "global" },
  });
  return { steps, diagnosis };
}

/** Prints a failed run (diagnosis as text, or the failure JSON) and returns its exit code. */
function printFailure(
  flags: SendFlags,
  mailbox: string,
  server: MailServer | { url: string },
  r: { ms: number; steps: DiagnosisStep[]; diagnosis: Diagnosis | undefined },
): number {
  const d = r.diagnosis ?? usageFailure(flags, new XoauthError("UNEXPECTED", "send failed")).diagnosis;
  if (flags.json) processOut.stdout(`${JSON.stringify(failureJson(mailbox, server, r, d), null, 2)}\n`);
  else processOut.stderr(formatDiagnosis(d));
  return d.code === "OK" ? 1 : exitCodeOf(d.code);
}

/** `--protocol graph`: the same options, sent through Microsoft Graph (src/send/graph-run.ts). */
async function runGraph(flags: SendFlags, p: PreparedSend, graph: { url: string; scope: string }, started: number) {
  const { settings, mailbox } = p;
  if (flags.verbose) processOut.stderr(`${t("send.graph.header", { mailbox, url: graph.url })}\n`);
  const provider = createTokenProvider({ ...settings, scope: graph.scope });
  const { runGraphSend } = await import("../../send/graph-run.js");
  const r = await runGraphSend({
    mailbox,
    envelope: p.envelope,
    message: p.message,
    graphUrl: graph.url,
    cloud: settings.cloud.name,
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    scope: graph.scope,
    ...(settings.ca ? { ca: settings.ca } : {}),
    ...(settings.proxy ? { proxy: settings.proxy } : {}),
    ...(settings.noProxy ? { noProxy: settings.noProxy } : {}),
    ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    optionsStep: { id: "options", ok: true, ms: Date.now() - started, detail: optionsDetail(p) },
    getToken: () => provider.getToken(),
    ...(flags.verbose
      ? { onTrace: (e) => e.dir !== "info" && processOut.stderr(`    ${e.dir === "c" ? "C" : "S"}: ${e.line}\n`) }
      : {}),
  });
  if (!r.ok || !r.sent) return printFailure(flags, mailbox, { url: graph.url }, r);
  printGraphSent(!!flags.json, mailbox, graph.url, p.envelope, r.sent, r.ms);
  return 0;
}

async function run(flags: SendFlags, file: string | undefined): Promise<number> {
  const started = Date.now();
  let p: PreparedSend;
  try {
    p = await prepare(flags, file);
  } catch (e) {
    const { steps, diagnosis: d } = usageFailure(flags, e);
    if (flags.json) {
      const r = { ms: Date.now() - started, steps };
      processOut.stdout(`${JSON.stringify(failureJson(flags.mailbox ?? "", null, r, d), null, 2)}\n`);
    } else processOut.stderr(formatDiagnosis(d));
    return exitCodeOf(d.code === "OK" ? "USAGE" : d.code);
  }
  if (p.graph) return runGraph(flags, p, p.graph, started);
  const { settings, mailbox, server } = p;
  if (flags.verbose) {
    const tls = t(`tls.${server.tls}`);
    processOut.stderr(`${t("send.header", { mailbox, host: server.host, port: server.port, tls })}\n`);
  }
  const provider = createTokenProvider({ ...settings, scope: scopeFor(settings, "smtp") });
  const r = await runSend({
    mailbox,
    envelope: p.envelope,
    message: p.message,
    server,
    cloud: settings.cloud.name,
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    scope: scopeFor(settings, "smtp"),
    ...(settings.ca ? { ca: settings.ca } : {}),
    ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    optionsStep: { id: "options", ok: true, ms: Date.now() - started, detail: optionsDetail(p) },
    getToken: () => provider.getToken(),
    ...(flags.verbose
      ? { onTrace: (e) => e.dir !== "info" && processOut.stderr(`    ${e.dir === "c" ? "C" : "S"}: ${e.line}\n`) }
      : {}),
  });
  if (!r.ok || !r.sent) return printFailure(flags, mailbox, server, r);
  const s = r.sent;
  if (flags.json) {
    processOut.stdout(`${JSON.stringify(smtpSentJson(mailbox, server, s, r.ms), null, 2)}\n`);
  } else {
    const params = {
      messageId: s.messageId ?? "(no Message-ID)",
      from: s.envelope.from,
      count: s.accepted.length,
      host: server.host,
      port: server.port,
      ms: r.ms,
      response: s.response,
    };
    processOut.stdout(`${t("send.sent", params)}\n`);
    if (s.rejected.length) processOut.stderr(`${t("send.rejected", { rejected: s.rejected.join(", ") })}\n`);
  }
  return 0;
}

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
    .action(async (file: string | undefined, flags: SendFlags) => {
      try {
        ctx.exitCode = await run(flags, file);
      } catch (e) {
        const err = toXoauthError(e);
        processOut.stderr(`✗ ${err.code}: ${err.message}\n`);
        ctx.exitCode = err.exitCode;
      }
    });
}
