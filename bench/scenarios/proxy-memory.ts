/**
 * `npm run bench -- --only proxy-memory` (issue #14, item 4): the built `xoauth-mail proxy` as a user runs it, one
 * process per listener, against the sandbox (identity, Exchange-like POP3/IMAP/SMTP and Graph fakes in the bench
 * process). Per listener: 1,000 short realistic sessions, 50 at once (bench/proxy-memory-clients.ts), the proxy's
 * RSS (/proc/PID/status VmRSS) and peak (VmHWM) fresh, after the first 50, after all, after a pause; then 200
 * sessions at once, errors counted. Target: RSS after all <= 1.5x RSS after the first 50 (bounded by concurrency,
 * not by history). A new listener is one row of MEMORY_LISTENERS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sandboxConfig } from "../../src/cli/run/sandbox.js";
import { hashPassword } from "../../src/proxy/password.js";
import { type LocalTenant, startLocalTenant, writeTenantFiles } from "../../src/sandbox/local-tenant.js";
import { onCleanup } from "../cleanup.js";
import type { Options } from "../options.js";
import {
  concurrently,
  imapSession,
  pop3Session,
  type SessionFn,
  type SessionTarget,
  smtpSession,
} from "../proxy-memory-clients.js";
import { freePort, startProxyProcess } from "../proxy-process.js";

const USER = "device";
const PASSWORD = "device-local-password-1";
/** Sessions at once in the history run, and in the concurrency run. */
export const BATCH = 50;
export const CONCURRENT = 200;
const PAUSE_MS = 10_000;

export interface MemoryListener {
  name: string;
  protocol: "pop3" | "imap" | "smtp";
  /** The listener's `upstream:` value in the config. */
  upstream: (tn: LocalTenant) => string;
  session: SessionFn;
  /** What the row measures, for the report. */
  note: string;
}

const exchange = (port: (tn: LocalTenant) => number, tls: string) => (tn: LocalTenant) =>
  `{ host: 127.0.0.1, port: ${port(tn)}, tls: ${tls} }`;

export const MEMORY_LISTENERS: MemoryListener[] = [
  {
    name: "smtp",
    protocol: "smtp",
    upstream: exchange((tn) => tn.ports.smtp, "starttls"),
    session: smtpSession,
    note: "SMTP, Exchange-like upstream (STARTTLS): one ~2 KB message, QUIT",
  },
  {
    name: "pop3",
    protocol: "pop3",
    upstream: exchange((tn) => tn.ports.pop3s, "implicit"),
    session: pop3Session,
    note: "POP3 (POP3S upstream): USER/PASS, STAT, RETR 1, QUIT",
  },
  {
    name: "imap",
    protocol: "imap",
    upstream: exchange((tn) => tn.ports.imaps, "implicit"),
    session: imapSession,
    note: "IMAP (IMAPS upstream): LOGIN, SELECT INBOX, FETCH 1 BODY.PEEK[], LOGOUT",
  },
  {
    name: "smtp-graph",
    protocol: "smtp",
    upstream: () => "graph",
    session: smtpSession,
    note: "SMTP, `upstream: graph` (sendMail): one ~2 KB message, QUIT",
  },
  {
    name: "pop3-graph",
    protocol: "pop3",
    upstream: () => "graph",
    session: pop3Session,
    note: "POP3, `upstream: graph` (the inbox read through Graph): USER/PASS, STAT, RETR 1, QUIT",
  },
];

export interface MemSample {
  rssMb: number;
  hwmMb: number;
}

export interface ListenerMemory {
  name: string;
  note: string;
  sessions: number;
  errors: number;
  firstError?: string;
  fresh: MemSample;
  afterFirst: MemSample;
  afterAll: MemSample;
  afterPause: MemSample;
  concurrent: { errors: number; firstError?: string; after: MemSample };
  seconds: number;
}

export interface ProxyMemoryResult {
  date: string;
  sessions: number;
  rows: ListenerMemory[];
}

export function memSample(pid: number | undefined): MemSample {
  const status = pid ? readFileSync(`/proc/${pid}/status`, "utf8") : "";
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rssMb: kb("VmRSS"), hwmMb: kb("VmHWM") };
}

async function measureListener(
  tn: LocalTenant,
  files: { dir: string; caFile: string; secretFile: string },
  l: MemoryListener,
  sessions: number,
  log: (s: string) => void,
): Promise<ListenerMemory> {
  const port = await freePort();
  const config = join(files.dir, `proxy-${l.name}.yaml`);
  writeFileSync(
    config,
    `${sandboxConfig(tn, files)}proxy:\n  listeners:\n` +
      `    - { name: ${l.name}, protocol: ${l.protocol}, listen: { host: 127.0.0.1, port: ${port} }, ` +
      `maxConnections: ${CONCURRENT + BATCH}, upstream: ${l.upstream(tn)} }\n` +
      `  users:\n    - { username: ${USER}, passwordHash: "${await hashPassword(PASSWORD)}", account: sandbox }\n`,
    { mode: 0o600 },
  );
  const proxy = await startProxyProcess(files, config, port, join(files.dir, `cache-${l.name}`));
  try {
    const t0 = Date.now();
    const target: SessionTarget = { port, user: USER, password: PASSWORD, mailbox: tn.mailbox };
    const fresh = memSample(proxy.pid);
    let errors = 0;
    let firstError: string | undefined;
    let afterFirst = fresh;
    for (let done = 0; done < sessions; done += BATCH) {
      const r = await concurrently(Math.min(BATCH, sessions - done), done, l.session, target);
      errors += r.errors;
      firstError ??= r.firstError;
      if (done === 0) afterFirst = memSample(proxy.pid);
    }
    const afterAll = memSample(proxy.pid);
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    const afterPause = memSample(proxy.pid);
    const c = await concurrently(CONCURRENT, sessions, l.session, target);
    const concurrent = { ...c, after: memSample(proxy.pid) };
    const seconds = (Date.now() - t0) / 1000;
    log(
      `proxy-memory ${l.name}: fresh ${fresh.rssMb.toFixed(0)} MB, after ${BATCH} ${afterFirst.rssMb.toFixed(0)} MB, ` +
        `after ${sessions} ${afterAll.rssMb.toFixed(0)} MB (${errors} errors), after pause ${afterPause.rssMb.toFixed(0)} MB; ` +
        `${CONCURRENT} at once: ${c.errors} errors, ${concurrent.after.rssMb.toFixed(0)} MB; ${seconds.toFixed(0)} s`,
    );
    const firstErr = firstError ? { firstError } : {};
    return {
      name: l.name,
      note: l.note,
      sessions,
      errors,
      ...firstErr,
      fresh,
      afterFirst,
      afterAll,
      afterPause,
      concurrent,
      seconds,
    };
  } finally {
    await proxy.stop();
  }
}

export async function proxyMemoryScenario(o: Options, log: (s: string) => void): Promise<ProxyMemoryResult> {
  const sessions = o.quick ? 200 : 1000;
  const dir = mkdtempSync(join(tmpdir(), "xoauth-bench-proxymem-"));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const tn = await startLocalTenant();
  onCleanup(() => tn.stop());
  // 50 devices of one mailbox sending at once would be throttled by Graph's per-mailbox concurrency (4, the fake
  // answers 429 like Exchange): that is Exchange's limit, not the proxy's memory, so this run lifts it.
  tn.graph.faults.maxConcurrency = CONCURRENT + BATCH;
  const { caFile, secretFile } = writeTenantFiles(tn, join(dir, "tenant"));
  const rows: ListenerMemory[] = [];
  for (const l of MEMORY_LISTENERS) {
    rows.push(await measureListener(tn, { dir, caFile, secretFile }, l, sessions, log));
    tn.exchange.sent.length = 0; // the fakes' records of sent mail live in the bench process, not the proxy
    tn.graph.sent.length = 0;
  }
  return { date: new Date().toISOString(), sessions, rows };
}
