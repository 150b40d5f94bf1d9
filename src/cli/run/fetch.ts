import type { TokenProvider } from "../../auth/types.js";
import { cacheRefusedText } from "../../config/privacy.js";
import { XoauthError } from "../../errors.js";
import { type PlanFlags, type PlannedAccount, planAccounts } from "../../fetch/accounts.js";
import { fetchAccount } from "../../fetch/engine.js";
import { createLogger, type FetchLogger, type LogFormat, logEvent } from "../../fetch/log.js";
import { explainOutage } from "../../fetch/outage.js";
import { ProgressBar } from "../../fetch/progress.js";
import { formatSummary } from "../../fetch/summary.js";
import type { FetchSummary } from "../../fetch/types.js";
import { t } from "../../i18n/index.js";
import { LIMITS } from "../../limits.js";
import type { RunContext } from "../context.js";
import { parseDuration, parseTimeout } from "../duration.js";
import { cliError, errorJson, formatError, processOut } from "../output.js";

export interface FetchFlags extends PlanFlags {
  delete?: boolean;
  moveTo?: string;
  markRead?: boolean;
  keep?: boolean;
  limit?: string;
  exec?: string;
  execRequired?: boolean;
  attachments?: string;
  every?: string;
  idle?: boolean;
  logFormat?: LogFormat;
  timeout?: string;
  retries?: string;
  retryDelay?: string;
  batch?: string;
  verbose?: boolean;
}

function intFlag(v: string | undefined, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new XoauthError("USAGE", `${flag} "${v}" must be an integer >= ${min}.`);
  return n;
}

/** --timeout, --every and --retry-delay in milliseconds; a bare number keeps each flag's old unit (s, s, ms). */
function durations(f: FetchFlags): { timeoutMs?: number; everyMs?: number; retryDelayMs?: number } {
  return {
    ...(f.timeout !== undefined ? { timeoutMs: parseTimeout(f.timeout, "--timeout", "s") } : {}),
    ...(f.every !== undefined ? { everyMs: parseDuration(f.every, { flag: "--every", bareUnit: "s" }) } : {}),
    ...(f.retryDelay !== undefined
      ? {
          retryDelayMs: parseDuration(f.retryDelay, {
            flag: "--retry-delay",
            bareUnit: "ms",
            allowZero: true,
            maxMs: LIMITS.maxUserTimeoutMs,
          }),
        }
      : {}),
  };
}

function checkFlags(f: FetchFlags): void {
  if (f.delete && f.keep) throw new XoauthError("USAGE", "--delete and --keep exclude each other.");
  if (f.every && f.idle) throw new XoauthError("USAGE", "--every and --idle exclude each other.");
  if (f.execRequired && !f.exec) throw new XoauthError("USAGE", "--exec-required needs --exec CMD.");
  if (f.moveTo !== undefined && f.delete) throw new XoauthError("USAGE", "--move-to and --delete exclude each other.");
  if (f.moveTo !== undefined && f.keep) throw new XoauthError("USAGE", "--move-to and --keep exclude each other.");
  if (f.idle && f.protocol === "graph") throw idleNeedsImap();
  if (f.idle && (f.protocol ?? "imap") !== "imap") throw new XoauthError("USAGE", "--idle needs --protocol imap.");
}

/** Checks that need each account's protocol (it may come from the config file). */
function checkAccountFlags(f: FetchFlags, accounts: PlannedAccount[]): void {
  for (const a of accounts) {
    if (a.protocol === "graph" && f.idle) throw idleNeedsImap();
    const graphOnly = f.moveTo !== undefined ? "--move-to" : f.markRead ? "--mark-read" : undefined;
    if (graphOnly && a.protocol !== "graph") {
      throw new XoauthError("USAGE", t("fetch.graphOnly", { flag: graphOnly, protocol: a.protocol }), {
        why: t("fetch.graphOnly.why", { protocol: a.protocol }),
        fix: [t("fetch.graphOnly.fix", { flag: graphOnly })],
      });
    }
  }
}

function idleNeedsImap(): XoauthError {
  return new XoauthError("USAGE", t("fetch.idle.graph"), {
    why: t("fetch.idle.graph.why"),
    fix: [t("fetch.idle.graph.fix")],
  });
}

async function fetchAll(
  accounts: PlannedAccount[],
  f: FetchFlags,
  signal: AbortSignal,
  logger: FetchLogger,
  bar: ProgressBar | undefined,
  timeoutMs: number | undefined,
): Promise<(FetchSummary & { error?: XoauthError })[]> {
  const out: (FetchSummary & { error?: XoauthError })[] = [];
  for (const a of accounts) {
    if (signal.aborted) break;
    const summary = await fetchAccount({
      account: a.mailbox,
      protocol: a.protocol,
      server: a.server,
      tokenProvider: a.provider,
      maildir: a.maildir,
      ...(a.folder ? { folder: a.folder } : {}),
      delete: f.delete === true,
      ...(f.moveTo !== undefined ? { moveTo: f.moveTo } : {}),
      ...(f.markRead ? { markRead: true } : {}),
      ...(a.graph ? { graph: a.graph } : {}),
      ...(f.limit !== undefined ? { limit: intFlag(f.limit, "--limit", 1) as number } : {}),
      ...(f.exec ? { exec: f.exec, execRequired: f.execRequired === true } : {}),
      ...(f.attachments ? { attachmentsDir: f.attachments } : {}),
      ...(timeoutMs ? { timeouts: { commandMs: timeoutMs, dataIdleMs: timeoutMs, greetingMs: timeoutMs } } : {}),
      ...(f.retries !== undefined ? { retries: intFlag(f.retries, "--retries", 0) as number } : {}),
      ...(f.batch !== undefined ? { batchMessages: intFlag(f.batch, "--batch", 1) as number } : {}),
      ...(f.retryDelay !== undefined ? { backoffMs: durations(f).retryDelayMs as number } : {}),
      signal,
      onEvent: (e) => {
        bar?.onEvent(e);
        if (e.type === "retry" || e.type === "uidvalidity" || e.type === "warning" || e.type === "hook") bar?.clear();
        logEvent(logger, a.mailbox, e, f.verbose === true);
      },
    });
    bar?.clear();
    out.push(summary);
  }
  return out;
}

/**
 * The provider, telling (once per reason and process) why its token is not kept in the token cache: without it a cron
 * job asks Entra ID on every run and nothing says so; `token --decode` and `test` say the same.
 */
function sayingWhyNotCached(provider: TokenProvider, warn: (text: string) => void): TokenProvider {
  return {
    async getToken(o) {
      const token = await provider.getToken(o);
      if (token.cacheRefused) warn(t("fetch.cacheRefused", { reason: cacheRefusedText(token.cacheRefused) }));
      return token;
    },
  };
}

/** An error on stderr: the text block, or with --log-format json one JSON line (code, cause, fix as fields). */
function logError(f: FetchFlags, logger: FetchLogger, err: XoauthError, account?: string): void {
  if ((f.logFormat ?? "text") === "json")
    logger.log("error", err.message, { ...(account ? { account } : {}), ...errorJson(err) });
  else processOut.stderr(formatError(err));
}

function report(
  results: (FetchSummary & { error?: XoauthError })[],
  f: FetchFlags,
  logger: FetchLogger,
  daemon: boolean,
): void {
  const plain = results.map(({ error: _e, ...s }) => s);
  if (f.json && !daemon) {
    const payload = plain.length === 1 && !f.all ? plain[0] : plain;
    processOut.stdout(`${JSON.stringify(payload, null, 2)}\n`);
    return;
  }
  results.forEach((r, i) => {
    if (daemon) logger.log(r.ok ? "info" : "error", "cycle done", plain[i]);
    else processOut.stdout(formatSummary(r));
    if (r.error && !f.json) logError(f, logger, r.error, r.account);
  });
}

async function run(f: FetchFlags, signal: AbortSignal): Promise<number> {
  checkFlags(f);
  const { timeoutMs, everyMs } = durations(f);
  const logger = createLogger(f.logFormat ?? "text", processOut.stderr);
  const warned = new Set<string>();
  const warnOnce = (text: string): void => {
    if (warned.has(text)) return;
    warned.add(text);
    logger.log("warn", text);
  };
  const accounts = (
    await planAccounts(f, (f.logFormat ?? "text") === "json" ? { warn: (m) => logger.log("warn", m) } : {})
  ).map((a) => ({ ...a, provider: sayingWhyNotCached(a.provider, warnOnce) }));
  checkAccountFlags(f, accounts);
  const tty = process.stderr.isTTY === true && !f.json && (f.logFormat ?? "text") === "text";
  const bar = tty && !f.every && !f.idle ? new ProgressBar((s) => process.stderr.write(s)) : undefined;
  const firstError = (rs: { error?: XoauthError }[]) => rs.find((r) => r.error)?.error;
  if (!f.every && !f.idle) {
    const results = await fetchAll(accounts, f, signal, logger, bar, timeoutMs);
    report(results, f, logger, false);
    return firstError(results)?.exitCode ?? 0;
  }
  const first = accounts[0] as PlannedAccount;
  const answered = new Set<PlannedAccount>();
  // The daemon (and with it the IMAP client, for IDLE) is loaded only for --every / --idle: a one-off POP3 fetch
  // does not load the IMAP code (start-up, issue #16).
  const { runDaemon } = await import("../../fetch/daemon.js");
  logger.log("info", `daemon started (${f.idle ? "IMAP IDLE" : `every ${f.every}`})`, { accounts: accounts.length });
  await runDaemon({
    signal,
    logger,
    ...(everyMs ? { everyMs } : {}),
    ...(f.idle
      ? {
          idle: {
            server: first.server,
            account: first.mailbox,
            folder: first.folder ?? "INBOX",
            getToken: async (o) => (await first.provider.getToken(o)).token,
            ...(timeoutMs ? { timeouts: { greetingMs: timeoutMs, commandMs: timeoutMs } } : {}),
          },
        }
      : {}),
    cycle: async () => {
      const results = await fetchAll(accounts, f, signal, logger, undefined, timeoutMs);
      results.forEach((r, i) => {
        const a = accounts[i] as PlannedAccount;
        // A server that answered earlier in this run is down for a while, not configured wrong.
        if (r.error && answered.has(a)) explainOutage(r.error, a.server);
        if (r.ok || r.fetched > 0) answered.add(a);
      });
      report(results, f, logger, true);
      return firstError(results) === undefined;
    },
  });
  return 0;
}

/** The action of `fetch`: runs it until done (or SIGTERM / SIGINT: a second signal exits at once), sets the exit code. */
export async function fetchAction(flags: FetchFlags, ctx: RunContext): Promise<void> {
  const ac = new AbortController();
  const stop = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(128 + (sig === "SIGINT" ? 2 : 15));
    ac.abort();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  try {
    ctx.exitCode = await run(flags, ac.signal);
  } catch (e) {
    const err = cliError(e);
    if (flags.json) processOut.stdout(`${JSON.stringify({ ok: false, error: errorJson(err) }, null, 2)}\n`);
    else logError(flags, createLogger(flags.logFormat ?? "text", processOut.stderr), err);
    ctx.exitCode = err.exitCode;
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
  }
}
