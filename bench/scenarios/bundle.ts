/**
 * `--only bundle` (issue #15 item 2): the one-file distribution's size (bytes, gzip -6 bytes) and its start-up
 * against a bare `node -e 0` and against the unbundled CLI (bin/xoauth-mail.js over dist/src), in one run, rounds
 * interleaved, with an environment of PATH, LANG and a fresh HOME only (no NODE_EXTRA_CA_CERTS, no config, no cache).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CLI_BIN, REPO_ROOT } from "../paths.js";
import { mustSucceed, run } from "../proc.js";
import { summarize, type Timing } from "../stats.js";

export const BUNDLE_FILE = join(REPO_ROOT, "dist", "bundle", "xoauth-mail.mjs");

export interface StartupRow {
  id: string;
  label: string;
  timing: Timing;
}

export interface BundleResult {
  bytes: number;
  gzipBytes: number;
  packages: string;
  rows: StartupRow[];
  /** Load average (1 min) at the end, with Node's version: start-up ratios move with the machine's load. */
  machine: string;
}

interface Case {
  id: string;
  label: string;
  args: string[];
  rounds: number;
}

export async function bundleScenario(rounds: number, log: (s: string) => void): Promise<BundleResult> {
  const built = mustSucceed("npm run bundle", await run(process.execPath, [join(REPO_ROOT, "scripts", "bundle.mjs")]));
  const packages = /(\d+) packages inside/.exec(built.stdout)?.[1] ?? "?";
  const bytes = readFileSync(BUNDLE_FILE);
  const quick = Math.max(5, rounds * 5);
  const cases: Case[] = [
    { id: "node", label: "`node -e 0`", args: ["-e", "0"], rounds: quick },
    { id: "bundle-help", label: "bundle `--help`", args: [BUNDLE_FILE, "--help"], rounds: quick },
    { id: "cli-help", label: "unbundled CLI `--help`", args: [CLI_BIN, "--help"], rounds: quick },
    { id: "bundle-demo", label: "bundle `demo --json`", args: [BUNDLE_FILE, "demo", "--json"], rounds },
    { id: "cli-demo", label: "unbundled CLI `demo --json`", args: [CLI_BIN, "demo", "--json"], rounds },
  ];
  const home = mkdtempSync(join(tmpdir(), "xoauth-bench-bundle-"));
  const ms = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  try {
    const env = { HOME: home };
    for (const c of cases) mustSucceed(`${c.label} (warm-up)`, await run(process.execPath, c.args, { env }));
    const most = Math.max(...cases.map((c) => c.rounds));
    for (let i = 0; i < most; i++) {
      for (const c of cases) {
        if (i >= c.rounds) continue;
        const r = mustSucceed(c.label, await run(process.execPath, c.args, { env, cwd: home }));
        ms.get(c.id)?.push(r.ms);
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const rows = cases.map((c) => ({ id: c.id, label: c.label, timing: summarize(ms.get(c.id) ?? []) }));
  for (const r of rows) log(`bundle: ${r.label} ${r.timing.median.toFixed(0)} ms`);
  const machine = `Node ${process.version}, load average ${loadavg()[0]?.toFixed(2)} (1 min) at the end, ${new Date().toISOString().slice(0, 16)}Z`;
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes).length, packages, rows, machine };
}
