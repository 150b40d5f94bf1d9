/**
 * `npm run soak -- [--minutes 30] [--token-lifetime 30] [--interval 2]` (issue 11): `xoauth-mail fetch --idle` into a
 * Maildir and `xoauth-mail proxy` (POP3, IMAP, SMTP listeners), both the real CLI as child processes, against the
 * in-process sandbox (identity + Exchange fake) whose tokens live 30 s — the fake ends every IMAP session at its
 * token's expiry like Exchange Online — while mail arrives and legacy clients use the proxy (bench/soak-clients.ts).
 * At the end: every delivered Message-ID exactly once in the Maildir, RSS and open fds of both children at start,
 * each minute and end, token lifetimes covered. Prints a table for bench/RESULTS.md; exit 1 when a check fails.
 * Ctrl-C stops all. `--node-flag X` (repeatable) starts both children with that node option, e.g. heap snapshots:
 * `--node-flag --heapsnapshot-signal=SIGUSR2 --node-flag --diagnostic-dir=/tmp/snaps`, then `kill -USR2 PID`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sandboxConfig } from "../src/cli/run/sandbox.js";
import { hashPassword } from "../src/proxy/password.js";
import { startLocalTenant, writeTenantFiles } from "../src/sandbox/local-tenant.js";
import { machineLine, writeSection } from "../test/harness/results-md.js";
import { cleanupAll, installSignalHandlers, onCleanup } from "./cleanup.js";
import { CLI_BIN, RESULTS_MD } from "./paths.js";
import { freePort, startProxyProcess } from "./proxy-process.js";
import { type ProxyPorts, runClients } from "./soak-clients.js";

const log = (s: string) => process.stderr.write(`soak: ${s}\n`);
const USER = "soak";
const PASSWORD = "soak-local-password-1";

function numFlag(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number`);
  return n;
}

/** Every `--node-flag X` (repeatable): node options for both children, e.g. `--heapsnapshot-signal=SIGUSR2`. */
function nodeFlags(argv: string[]): string[] {
  return argv.flatMap((a, i) => (argv[i - 1] === "--node-flag" ? [a] : []));
}

interface Sample {
  rssMb: number;
  fds: number;
}

function sample(pid: number | undefined): Sample | undefined {
  if (!pid) return undefined;
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { rssMb: Number(rss?.[1] ?? 0) / 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined;
  }
}

/** `fetch --idle --log-format json` as a child: its JSON log lines are counted, other lines kept. */
function startFetch(config: string, maildir: string, cacheDir: string, nodeFlags: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeFlags,
      CLI_BIN,
      "fetch",
      "--config",
      config,
      "--protocol",
      "imap",
      "--idle",
      "--maildir",
      maildir,
      "--log-format",
      "json",
    ],
    { env: { PATH: process.env.PATH, LANG: "C", XOAUTH_MAIL_CACHE_DIR: cacheDir }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const counts = { cycles: 0, relogins: 0, byeRelogins: 0, warnings: 0, errors: 0, notJson: 0 };
  const samples: string[] = []; // first few non-info lines, for the report
  let buf = "";
  const onData = (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    for (const line of lines) {
      let e: { level?: string; msg?: string; reason?: string } | undefined;
      try {
        e = JSON.parse(line) as typeof e;
      } catch {
        counts.notJson++;
      }
      if (!e) continue;
      if (e.msg === "cycle done") counts.cycles++;
      if (/token expires soon/.test(e.msg ?? "")) counts.relogins++;
      if (e.reason === "token-expired") counts.byeRelogins++;
      if (e.level === "warn") counts.warnings++;
      if (e.level === "error") counts.errors++;
      if (e.level !== "info" && samples.length < 5) samples.push(line.slice(0, 300));
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const code = await exited;
    clearTimeout(t);
    return code;
  };
  onCleanup(async () => void (await stop()));
  return { pid: child.pid, counts, samples, stop };
}

/** How often each Message-ID occurs in new/ (headers only). */
function maildirIds(maildir: string): Map<string, number> {
  const out = new Map<string, number>();
  let names: string[] = [];
  try {
    names = readdirSync(join(maildir, "new"));
  } catch {}
  for (const f of names) {
    const head = readFileSync(join(maildir, "new", f), "latin1").slice(0, 4096);
    const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? f;
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const minutes = numFlag(argv, "--minutes", 30);
  const lifetimeSec = numFlag(argv, "--token-lifetime", 30);
  const intervalMs = numFlag(argv, "--interval", 2) * 1000;
  const flags = nodeFlags(argv);
  installSignalHandlers();
  const dir = mkdtempSync(join(tmpdir(), "xoauth-soak-"));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const tn = await startLocalTenant({ tokenLifetimeSec: lifetimeSec });
  onCleanup(() => tn.stop());
  const { caFile, secretFile } = writeTenantFiles(tn, join(dir, "tenant"));
  const ports: ProxyPorts = { pop3: await freePort(), imap: await freePort(), smtp: await freePort() };
  const listener = (p: "pop3" | "imap" | "smtp", up: number, tls: string) =>
    `    - { name: ${p}, protocol: ${p}, listen: { host: 127.0.0.1, port: ${ports[p]} }, upstream: { host: 127.0.0.1, port: ${up}, tls: ${tls} } }`;
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    `${sandboxConfig(tn, { dir, caFile, secretFile })}proxy:\n  listeners:\n${[
      listener("pop3", tn.ports.pop3s, "implicit"),
      listener("imap", tn.ports.imaps, "implicit"),
      listener("smtp", tn.ports.smtp, "starttls"),
    ].join(
      "\n",
    )}\n  users:\n    - { username: ${USER}, passwordHash: "${await hashPassword(PASSWORD)}", account: sandbox }\n`,
    { mode: 0o600 },
  );
  const maildir = join(dir, "Maildir");
  log(`sandbox up (tokens live ${lifetimeSec} s); starting proxy and fetch --idle for ${minutes} min`);
  const proxy = await startProxyProcess({ caFile }, config, ports.smtp, join(dir, "proxy-cache"), flags);
  const fetch = startFetch(config, maildir, join(dir, "fetch-cache"), flags);
  for (let i = 0; i < 600 && fetch.counts.cycles === 0; i++) await new Promise((r) => setTimeout(r, 100));
  if (fetch.counts.cycles === 0) throw new Error(`fetch --idle did not finish a cycle: ${fetch.samples.join("\n")}`);
  const t0 = Date.now();
  const start = { fetch: sample(fetch.pid), proxy: sample(proxy.pid) };
  const tokensBefore = tn.identity.tokenRequests;
  const stopClients = new AbortController();
  const until = t0 + minutes * 60_000;
  const show = (x: Sample | undefined) => (x ? `${x.rssMb.toFixed(0)} MB ${x.fds} fds` : "n/a");
  // Per minute: a trend, not just two points (the proxy's first logins add a fixed amount, see docs/operations.md).
  const trend = { fetch: [start.fetch], proxy: [start.proxy] };
  const progress = setInterval(() => {
    const at = `${((Date.now() - t0) / 60_000).toFixed(1)} min`;
    const now = { fetch: sample(fetch.pid), proxy: sample(proxy.pid) };
    trend.fetch.push(now.fetch);
    trend.proxy.push(now.proxy);
    log(`${at}: fetch ${show(now.fetch)}, proxy ${show(now.proxy)}`);
  }, 60_000).unref();
  const clients = await runClients(
    tn,
    ports,
    { user: USER, password: PASSWORD },
    { until, stop: stopClients.signal, intervalMs, quietMs: 1.5 * lifetimeSec * 1000 },
  );
  clearInterval(progress);
  // Let fetch --idle collect the last messages (bounded), then sample before stopping anything.
  const want = new Set(clients.delivered);
  for (let i = 0; i < 180; i++) {
    const have = maildirIds(maildir);
    if ([...want].every((id) => have.has(id))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const end = { fetch: sample(fetch.pid), proxy: sample(proxy.pid) };
  const seconds = (Date.now() - t0) / 1000;
  const fetchExit = await fetch.stop();
  await proxy.stop();
  const ids = maildirIds(maildir);
  const lost = clients.delivered.filter((id) => !ids.has(id)).length;
  const duplicated = [...ids.values()].filter((n) => n > 1).length;
  const byes = tn.exchange.expiries.length;
  const ok =
    lost === 0 && duplicated === 0 && fetch.counts.errors === 0 && fetch.counts.notJson === 0 && fetchExit === 0;
  const perMinute = (xs: (Sample | undefined)[]) =>
    xs.map((x) => (x ? `${x.rssMb.toFixed(0)}/${x.fds}` : "n/a")).join(" ");
  const row = (s: Sample | undefined) => (s ? `${s.rssMb.toFixed(1)} MB, ${s.fds} fds` : "n/a");
  const loop = (s: { ok: number; errors: number; firstError?: string }) =>
    `${s.ok} ok, ${s.errors} errors${s.firstError ? ` (first: ${s.firstError.slice(0, 120)})` : ""}`;
  const table = [
    `### Soak: ${minutes} min, tokens of ${lifetimeSec} s (${(seconds / lifetimeSec).toFixed(0)} token lifetimes)`,
    "",
    "| | |",
    "|---|---|",
    `| run | ${(seconds / 60).toFixed(1)} min, \`npm run soak -- ${argv.join(" ")}\` |`,
    `| messages delivered / in Maildir | ${clients.delivered.length} / ${clients.delivered.length - lost} (${lost} lost, ${duplicated} duplicated) |`,
    `| fetch --idle | ${fetch.counts.cycles} cycles, ${fetch.counts.relogins} re-logins before expiry, ${fetch.counts.byeRelogins} after a BYE, ${fetch.counts.warnings} warnings, ${fetch.counts.errors} errors, ${fetch.counts.notJson} non-JSON lines, exit ${fetchExit} |`,
    `| fetch RSS / fds, start -> end | ${row(start.fetch)} -> ${row(end.fetch)} |`,
    `| proxy RSS / fds, start -> end | ${row(start.proxy)} -> ${row(end.proxy)} |`,
    `| RSS MB / fds per minute, fetch | ${perMinute(trend.fetch)} |`,
    `| RSS MB / fds per minute, proxy | ${perMinute(trend.proxy)} |`,
    `| token requests / IMAP sessions ended at expiry (BYE) | ${tn.identity.tokenRequests - tokensBefore} / ${byes} |`,
    `| proxy POP3 sessions | ${loop(clients.pop3)} |`,
    `| proxy IMAP sessions | ${loop(clients.imap)} |`,
    `| proxy SMTP sends | ${loop(clients.smtp)}; ${tn.exchange.sent.length} reached the fake |`,
    `| proxy long IMAP session | ${clients.long.sessions} sessions, ${clients.long.ended} ended by the server, ${loop(clients.long)} NOOPs |`,
    `| result | ${ok ? "PASS" : "FAIL"} |`,
  ].join("\n");
  process.stdout.write(`${table}\n`);
  if (argv.includes("--results")) {
    writeSection(
      RESULTS_MD,
      "## Soak",
      `## Soak\n\nGenerated on ${new Date().toISOString()} (${machineLine()}).\n\n${table}\n`,
    );
    log(`wrote the Soak section of ${RESULTS_MD}`);
  }
  if (fetch.samples.length) log(`fetch non-info lines (first ${fetch.samples.length}):\n${fetch.samples.join("\n")}`);
  if (!ok) process.exitCode = 1;
}

main()
  .catch((err) => {
    process.stderr.write(`soak failed: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
