/**
 * Runs the BUILT CLI (`node bin/xoauth-mail.js ...`, which runs dist/bundle/xoauth-mail.mjs) as a child process.
 * Build first: `npm run build:all` (tsc, then the bundle; after a bare `tsc` the launcher runs dist/src instead).
 * The child gets a clean environment ({@link cliEnv}: PATH, HOME, LANG=C, a temporary cache, plus what the test passes),
 * never the caller's AZURE_*.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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

let cacheHome: string | undefined;

/**
 * XDG_CACHE_HOME of the CLI children of this test process that name no cache of their own: a temporary directory
 * (0700), removed when the process exits. So tests never write token or code caches (src/cli/bundle/code-cache.ts)
 * into the developer's ~/.cache, and the children of one test file share one code cache, as a user's runs do.
 */
export function testCacheHome(): string {
  if (cacheHome === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "xoauth-test-cache-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    cacheHome = dir;
  }
  return cacheHome;
}

/**
 * The environment of a CLI child: PATH, HOME, LANG=C, never the developer's ~/.config/xoauth-mail/config.yaml, and
 * {@link testCacheHome} unless `extra` names a HOME, XDG_CACHE_HOME or XOAUTH_MAIL_CACHE_DIR of its own; then
 * `extra` (undefined removes a variable).
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C" };
  if (process.env.HOME) env.HOME = process.env.HOME;
  env.XDG_CONFIG_HOME = "/nonexistent/xoauth-mail-test-config";
  if (!("HOME" in extra || "XDG_CACHE_HOME" in extra || "XOAUTH_MAIL_CACHE_DIR" in extra)) {
    env.XDG_CACHE_HOME = testCacheHome();
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const env = cliEnv(opts.env);
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
