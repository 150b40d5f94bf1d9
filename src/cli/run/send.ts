import { createTokenProvider } from "../../auth/provider.js";
import { type AuthFlags, resolveSettings, scopeFor } from "../../config/settings.js";
import { diagnose } from "../../diagnose/engine.js";
import { formatDiagnosis } from "../../diagnose/format.js";
import type { MailServer } from "../../diagnose/server.js";
import { type Diagnosis, type DiagnosisStep, stepJson } from "../../diagnose/types.js";
import { exitCodeOf, toXoauthError, XoauthError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { escapeControl } from "../../log/sanitize.js";
import { optionsDetail, type PreparedSend, prepareSend } from "../../send/prepare.js";
import { smtpSentJson } from "../../send/result.js";
import { runSend, type SendRunResult } from "../../send/run.js";
import type { RunContext } from "../context.js";
import { parseTimeout } from "../duration.js";
import { processOut } from "../output.js";
import { printGraphSent } from "./send-graph.js";

export interface SendFlags extends AuthFlags {
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
  printNotes(r.steps);
  return 0;
}

/**
 * After a successful send, what its steps noted (why the token was not cached, and the fix) on stderr: a scanner or
 * script sending every few minutes would otherwise ask Entra ID each time without a word.
 */
function printNotes(steps: DiagnosisStep[]): void {
  for (const s of steps) if (s.note) processOut.stderr(`${escapeControl(s.note)}\n`);
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
  printNotes(r.steps);
  return 0;
}

/** The action of `send`: sends FILE (or the composed message) and sets the exit code. */
export async function sendAction(file: string | undefined, flags: SendFlags, ctx: RunContext): Promise<void> {
  try {
    ctx.exitCode = await run(flags, file);
  } catch (e) {
    const err = toXoauthError(e);
    processOut.stderr(`✗ ${err.code}: ${err.message}\n`);
    ctx.exitCode = err.exitCode;
  }
}
