/**
 * The crash experiment shared by the suite test and bench/crash-fetch.ts: the BUILT CLI fetches with --delete and is
 * SIGKILLed at random instants, then rerun until a run completes; the caller compares the Maildir with the originals.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { CLI_BIN, cliEnv, REPO_ROOT } from "./cli.js";

export interface KillReport {
  kills: number;
  runs: number;
  /** Exit code and stdout of the completing run. */
  final: { code: number; stdout: string; stderr: string };
}

function spawnCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<{ code: number; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Kills `kills` runs at a random delay in [minMs, maxMs), then runs to completion (at most `maxFinalRuns`). */
export async function killAndResume(opts: {
  args: string[];
  env: Record<string, string>;
  kills: number;
  minMs: number;
  maxMs: number;
  random?: () => number;
  maxFinalRuns?: number;
  /**
   * The Maildir and how many messages the job delivers: the FIRST run is then killed once a random number of them
   * (1 .. total/2) is in new/, so at least one kill lands mid-way however fast the machine is (a timed kill alone can
   * come after a quick run has finished).
   */
  progress?: { maildir: string; total: number };
}): Promise<KillReport> {
  const rnd = opts.random ?? Math.random;
  let runs = 0;
  let kills = 0;
  if (opts.progress && opts.progress.total > 1) {
    const { maildir, total } = opts.progress;
    const target = 1 + Math.floor(rnd() * Math.floor(total / 2));
    const { child, done } = spawnCli(opts.args, opts.env);
    runs++;
    const delivered = (): number => {
      try {
        return readdirSync(join(maildir, "new")).length;
      } catch {
        return 0;
      }
    };
    const poll = setInterval(() => {
      if (child.exitCode === null && delivered() >= target) {
        child.kill("SIGKILL");
        kills++;
        clearInterval(poll);
      }
    }, 2);
    const r = await done;
    clearInterval(poll);
    if (r.signal === null && r.code !== 0) throw new Error(`fetch failed (${r.code}) before the kill: ${r.stderr}`);
  }
  for (let i = 0; i < opts.kills; i++) {
    const { child, done } = spawnCli(opts.args, opts.env);
    runs++;
    const delay = opts.minMs + Math.floor(rnd() * (opts.maxMs - opts.minMs));
    const timer = setTimeout(() => {
      if (child.exitCode === null) {
        child.kill("SIGKILL");
        kills++;
      }
    }, delay);
    const r = await done;
    clearTimeout(timer);
    if (r.signal === null && r.code !== 0) {
      throw new Error(`fetch failed (${r.code}) before the kill: ${r.stderr}${r.stdout}`);
    }
  }
  for (let i = 0; i < (opts.maxFinalRuns ?? 3); i++) {
    const r = await spawnCli(opts.args, opts.env).done;
    runs++;
    if (r.code === 0) return { kills, runs, final: r };
    if (i === (opts.maxFinalRuns ?? 3) - 1) throw new Error(`final fetch failed (${r.code}): ${r.stderr}`);
  }
  throw new Error("unreachable");
}
