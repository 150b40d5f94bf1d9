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
import type { RunContext } from "../context.js";
import { parseTimeout } from "../duration.js";
import { cliError, processOut } from "../output.js";

export interface TestFlags extends AuthFlags {
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

/** The action of `test`: runs it and sets the exit code. */
export async function testAction(flags: TestFlags, ctx: RunContext): Promise<void> {
  try {
    ctx.exitCode = await run(flags);
  } catch (e) {
    const err = cliError(e);
    processOut.stderr(`✗ ${err.code}: ${err.message}\n`);
    ctx.exitCode = err.exitCode;
  }
}
