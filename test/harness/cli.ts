/**
 * Runs the BUILT CLI (`node bin/xoauth-mail.js ...`, which runs dist/bundle/xoauth-mail.mjs) as a child process.
 * Build first: `npm run build:all` (tsc, then the bundle; after a bare `tsc` the launcher runs dist/src instead).
 * The child gets a clean environment (PATH, HOME, LANG=C plus what the test passes), never the caller's AZURE_*.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file is dist/test/harness/cli.js after compilation). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const CLI_BIN = join(REPO_ROOT, "bin", "xoauth-mail.js");
/** The CLI from its modules in dist/src, never the bundle (test/harness/children/unbundled-cli.ts). */
export const CLI_MODULES = join(REPO_ROOT, "dist", "test", "harness", "children", "unbundled-cli.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, then closed (default: stdin closed at once). */
  input?: string;
  cwd?: string;
  /** Kill the child after this long (default 20 s) and fail. */
  timeoutMs?: number;
  /** The script node runs (default CLI_BIN). */
  entry?: string;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C" };
  if (process.env.HOME) env.HOME = process.env.HOME;
  // Never pick up the developer's own ~/.config/xoauth-mail/config.yaml.
  env.XDG_CONFIG_HOME = "/nonexistent/xoauth-mail-test-config";
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.entry ?? CLI_BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`CLI timed out: xoauth-mail ${args.join(" ")}`));
    }, opts.timeoutMs ?? 20_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.end(opts.input ?? "");
  });
}
