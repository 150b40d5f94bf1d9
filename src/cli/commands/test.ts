/**
 * `xoauth-mail test`: token -> claims -> TCP -> TLS -> greeting/capabilities -> XOAUTH2 -> mailbox -> logout, each
 * step with ✓/✗ and milliseconds; on failure exactly one root cause with the fix (src/diagnose).
 */
import { type Command, Option } from "commander";
import type { MailProtocol, Transport } from "../../auth/clouds.js";
import { createTokenProvider } from "../../auth/provider.js";
import { type AuthFlags, resolveSettings, type Settings, scopeFor } from "../../config/settings.js";
import { diagnose } from "../../diagnose/engine.js";
import { formatDiagnosis, formatHeader, formatStep } from "../../diagnose/format.js";
import { graphEndpoint } from "../../diagnose/probe/graph.js";
import { type MailServer, resolveServer } from "../../diagnose/server.js";
import { type MailTestResult, mailTestJson, runMailTest } from "../../diagnose/test-run.js";
import { diagUi } from "../../diagnose/text.js";
import type { DiagnosisStep } from "../../diagnose/types.js";
import { exitCodeOf, toXoauthError, XoauthError } from "../../errors.js";
import { revealSecrets } from "../../log/redact.js";
import type { TraceEvent } from "../../net/types.js";
import { AUTH_ENV_HELP, addAuthOptions } from "../common-options.js";
import type { RunContext } from "../context.js";
import { parseTimeout } from "../duration.js";
import { cliError, processOut } from "../output.js";

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

interface TestFlags extends AuthFlags {
  host?: string;
  port?: string;
  tls?: string;
  sendTestTo?: string;
  checkSend?: boolean;
  verbose?: boolean;
  showToken?: boolean;
  timeout?: string;
}

const ALL: MailProtocol[] = ["pop3", "imap", "smtp"];
const CHOICES: Transport[] = [...ALL, "graph"];

/** Graph joins `--protocol all` only when the user set it up: a Graph URL given, or an account whose protocol is graph. */
function graphWanted(settings: Settings, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(settings.account.graphUrl || env.XOAUTH_MAIL_GRAPH_URL || settings.account.protocol === "graph");
}

function protocolsOf(flag: string | undefined, settings: Settings | undefined, graphUrlFlag?: string): Transport[] {
  if (flag === "all") return settings && (graphUrlFlag || graphWanted(settings)) ? [...ALL, "graph"] : ALL;
  return [(flag as Transport | undefined) ?? settings?.protocol ?? "pop3"];
}

/** Where a transport is tested: the mail server, or the Graph host (always implicit TLS). */
function serverOf(t: Transport, settings: Settings, flags: TestFlags): MailServer {
  if (t === "graph") return { ...graphEndpoint(settings.graphUrl), tls: "implicit" };
  return resolveServer(t, settings.cloud, { host: flags.host, port: flags.port, tls: flags.tls }, settings.servers[t]);
}

/** The result of a run that stopped at the options step (usage / config error). */
function optionsFailure(flags: TestFlags, e: unknown, ms: number): MailTestResult {
  const err = toXoauthError(e);
  const protocol = protocolsOf(flags.protocol, undefined)[0] ?? "pop3";
  const server: MailServer = {
    host: flags.host ?? "-",
    port: Number(flags.port) || 0,
    tls: flags.tls === "starttls" ? "starttls" : "implicit",
  };
  const steps: DiagnosisStep[] = [{ id: "options", ok: false, ms, detail: err.message, error: err }];
  const mailbox = flags.mailbox ?? flags.targetMailbox ?? "";
  const diagnosis = diagnose({ steps, options: { mailbox, protocol, ...server, cloud: "global" } });
  return { ok: false, protocol, mailbox, server, steps, claims: undefined, diagnosis };
}

async function prepare(
  flags: TestFlags,
): Promise<{ settings: Settings; mailbox: string; servers: [Transport, MailServer][]; timeoutMs?: number }> {
  if (flags.protocol !== undefined && flags.protocol !== "all" && !CHOICES.includes(flags.protocol as Transport)) {
    throw new XoauthError("USAGE", `--protocol "${flags.protocol}" is not one of ${CHOICES.join(", ")}, all.`);
  }
  const timeoutMs = flags.timeout !== undefined ? parseTimeout(flags.timeout, "--timeout", "ms") : undefined;
  const settings = await resolveSettings({ ...flags, protocol: flags.protocol === "all" ? undefined : flags.protocol });
  const mailbox = settings.mailbox;
  if (!mailbox) {
    throw new XoauthError(
      "USAGE",
      "The mailbox to test is missing: pass --mailbox ADDRESS (or --target-mailbox, or `mailbox` in the config account).",
    );
  }
  const transports = protocolsOf(flags.protocol, settings, flags.graphUrl);
  if (flags.checkSend && !transports.includes("graph")) {
    throw new XoauthError("USAGE", "--check-send probes Graph's send permission: it needs --protocol graph.");
  }
  const servers = transports.map((p): [Transport, MailServer] => [p, serverOf(p, settings, flags)]);
  return { settings, mailbox, servers, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

async function run(flags: TestFlags): Promise<number> {
  revealSecrets(flags.showToken === true);
  const human = !flags.json;
  const started = Date.now();
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(flags);
  } catch (e) {
    const r = optionsFailure(flags, e, Date.now() - started);
    if (human) processOut.stderr(formatStep(r.steps[0] as DiagnosisStep) + formatDiagnosis(r.diagnosis));
    else
      processOut.stdout(
        `${JSON.stringify(flags.protocol === "all" ? { ok: false, results: [mailTestJson(r)] } : mailTestJson(r), null, 2)}\n`,
      );
    return exitCodeOf(r.diagnosis.code === "OK" ? "USAGE" : r.diagnosis.code);
  }
  const { settings, mailbox, servers, timeoutMs } = prepared;
  const optionsStep: DiagnosisStep = {
    id: "options",
    ok: true,
    ms: Date.now() - started,
    detail: diagUi("step.detail.options", {
      tenantId: settings.tenantId,
      clientId: settings.clientId,
      credential: diagUi(`step.detail.credential.${settings.credential.kind}`),
    }),
  };
  // One provider per audience (Exchange, Graph): the cache keeps their tokens apart, each is requested once.
  const providers = new Map<string, ReturnType<typeof createTokenProvider>>();
  const providerFor = (scope: string) => {
    const p = providers.get(scope) ?? createTokenProvider({ ...settings, scope });
    providers.set(scope, p);
    return p;
  };
  const results: MailTestResult[] = [];
  for (const [protocol, server] of servers) {
    const scope = scopeFor(settings, protocol);
    const provider = providerFor(scope);
    if (human) processOut.stdout(`${results.length ? "\n" : ""}${formatHeader(protocol, mailbox, server)}`);
    const result = await runMailTest({
      protocol,
      mailbox,
      server,
      cloud: settings.cloud.name,
      tenantId: settings.tenantId,
      clientId: settings.clientId,
      scope,
      ...(settings.ca ? { ca: settings.ca } : {}),
      ...(flags.sendTestTo && protocol === "smtp" ? { sendTestTo: flags.sendTestTo } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      optionsStep,
      getToken: (o) => provider.getToken(o),
      ...(protocol === "graph"
        ? {
            graph: {
              url: settings.graphUrl,
              ...(settings.proxy ? { proxy: settings.proxy } : {}),
              ...(settings.noProxy ? { noProxy: settings.noProxy } : {}),
              ...(flags.checkSend ? { checkSend: true } : {}),
            },
          }
        : {}),
      ...(human ? { onStep: (s: DiagnosisStep) => processOut.stdout(formatStep(s)) } : {}),
      ...(flags.verbose
        ? { onTrace: (e: TraceEvent) => processOut.stderr(`    ${e.dir.toUpperCase()}: ${e.line}\n`) }
        : {}),
    });
    results.push(result);
    if (human) processOut.stdout(formatDiagnosis(result.diagnosis));
  }
  const failed = results.find((r) => !r.ok);
  if (!human) {
    const body =
      flags.protocol === "all"
        ? { ok: !failed, results: results.map(mailTestJson) }
        : mailTestJson(results[0] as MailTestResult);
    processOut.stdout(`${JSON.stringify(body, null, 2)}\n`);
  }
  return failed && failed.diagnosis.code !== "OK" ? exitCodeOf(failed.diagnosis.code) : 0;
}

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
      ).choices([...CHOICES, "all"]),
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
    .action(async (flags: TestFlags) => {
      try {
        ctx.exitCode = await run(flags);
      } catch (e) {
        const err = cliError(e);
        processOut.stderr(`✗ ${err.code}: ${err.message}\n`);
        ctx.exitCode = err.exitCode;
      }
    });
}
