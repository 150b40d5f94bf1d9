/**
 * `--only bundle` (issue #15 item 2): the one-file distribution's size (bytes, gzip -6 bytes) and its start-up
 * against a bare `node -e 0` and against the CLI from its modules in dist/src (what bin/ runs without a bundle), in one run, rounds
 * interleaved, with an environment of PATH, LANG and a fresh HOME only (no NODE_EXTRA_CA_CERTS, no config). The
 * warm-up run of each case leaves the bundle's V8 code cache in that HOME (src/cli/bundle/code-cache.ts), as a user's
 * first run does; one more case runs without it (NODE_DISABLE_COMPILE_CACHE=1): what every run cost before the cache,
 * and still costs where the cache dir cannot be written.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CLI_MODULES } from "../../test/harness/cli.js";
import { REPO_ROOT } from "../paths.js";
import { mustSucceed, run } from "../proc.js";
import { machineNote, type StartupCase, type StartupRow, timeStartup, WHO } from "../startup-timing.js";

export const BUNDLE_FILE = join(REPO_ROOT, "dist", "bundle", "xoauth-mail.mjs");

/** Builds dist/bundle/xoauth-mail.mjs (`npm run bundle`); returns how many packages are inside. */
export async function buildBundleFile(): Promise<string> {
  const built = mustSucceed("npm run bundle", await run(process.execPath, [join(REPO_ROOT, "scripts", "bundle.mjs")]));
  return /(\d+) packages inside/.exec(built.stdout)?.[1] ?? "?";
}

export interface BundleResult {
  bytes: number;
  gzipBytes: number;
  packages: string;
  rows: StartupRow[];
  /** Load average (1 min) at the end, with Node's version: start-up ratios move with the machine's load. */
  machine: string;
}

export async function bundleScenario(rounds: number, log: (s: string) => void): Promise<BundleResult> {
  const packages = await buildBundleFile();
  const bytes = readFileSync(BUNDLE_FILE);
  const quick = Math.max(5, rounds * 5);
  const cases: StartupCase[] = [
    { id: "node", label: "`node -e 0`", args: ["-e", "0"], rounds: quick },
    { id: "bundle-help", label: "bundle `--help`", args: [BUNDLE_FILE, "--help"], rounds: quick },
    {
      id: "bundle-help-nocache",
      label: "bundle `--help` without its code cache",
      args: [BUNDLE_FILE, "--help"],
      rounds: quick,
      env: { NODE_DISABLE_COMPILE_CACHE: "1" },
    },
    { id: "cli-help", label: `${WHO.modules} \`--help\``, args: [CLI_MODULES, "--help"], rounds: quick },
    { id: "bundle-demo", label: "bundle `demo --json`", args: [BUNDLE_FILE, "demo", "--json"], rounds },
    { id: "cli-demo", label: `${WHO.modules} \`demo --json\``, args: [CLI_MODULES, "demo", "--json"], rounds },
  ];
  const home = mkdtempSync(join(tmpdir(), "xoauth-bench-bundle-"));
  let rows: StartupRow[];
  try {
    rows = await timeStartup(cases, { env: { HOME: home }, cwd: home });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  for (const r of rows) log(`bundle: ${r.label} ${r.timing.median.toFixed(0)} ms`);
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes).length, packages, rows, machine: machineNote() };
}
