/** Runs one peer as a child process: wall time, exit status, output, and (optionally) its peak RSS. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { onCleanup } from "./cleanup.js";

export interface RunOptions {
  env?: Record<string, string>;
  /** Run as `nobody` (getmail6 refuses Maildir delivery as root; fetchmail warns). */
  asNobody?: boolean;
  timeoutMs?: number;
  /** Sample /proc/<pid>/status VmHWM every few ms (the child itself, not a wrapper). */
  sampleRss?: boolean;
  cwd?: string;
}

export interface RunResult {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in KiB (VmHWM), when sampled. */
  peakRssKb?: number;
}

const running = new Set<number>();
onCleanup(() => {
  for (const pid of running) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

function vmHwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, argv] = opts.asNobody
    ? ["setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", cmd, ...args]]
    : [cmd, args];
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", HOME: process.env.HOME ?? "/root", ...opts.env };
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, argv, { env, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const pid = child.pid as number;
    running.add(pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < 1_000_000) stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < 1_000_000) stderr += c.toString();
    });
    let peak: number | undefined;
    // setpriv execs the command in place, so the pid is the peer's own either way.
    const sampler = opts.sampleRss
      ? setInterval(() => {
          const v = vmHwmKb(pid);
          if (v !== undefined) peak = Math.max(peak ?? 0, v);
        }, 5)
      : undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 300_000);
    child.on("error", (e) => {
      running.delete(pid);
      reject(e);
    });
    child.on("exit", () => {
      if (sampler) clearInterval(sampler);
    });
    child.on("close", (code) => {
      running.delete(pid);
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      resolve({ ms, code, stdout, stderr, ...(peak !== undefined ? { peakRssKb: peak } : {}) });
    });
  });
}

/** Fails loudly with the peer's output: a failed run must never be timed as a fast one. */
export function mustSucceed(what: string, r: RunResult): RunResult {
  if (r.code !== 0)
    throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-2000)}${r.stdout.slice(-1000)}`);
  return r;
}
