/** Runs the BUILT `xoauth-mail proxy` as a child process and follows its JSON log lines on stderr. */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { stringify } from "yaml";
import type { ProxyLogRecord } from "../../../src/proxy/log.js";
import { CLI_BIN, cliEnv, REPO_ROOT, runCli } from "../cli.js";

export interface ProxyChild {
  child: ChildProcess;
  /** Every stderr line parsed as JSON (a non-JSON line fails the test that reads `nonJson`). */
  records: ProxyLogRecord[];
  nonJson: string[];
  stderr(): string;
  /** Resolves with the first record (already seen or future) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (r: ProxyLogRecord) => boolean, timeoutMs?: number): Promise<ProxyLogRecord>;
  /** Bound port of a listener, from its `listening` record. */
  port(listener: string): number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (after-hook safety net). */
  kill(): void;
}

/**
 * Writes `config` as `proxy.yaml` (0600: it holds password hashes) into `dir` and starts the proxy on it with JSON logs
 * and the given drain window.
 */
export function startProxyWithConfig(
  dir: string,
  config: unknown,
  drainSeconds: number,
  env: Record<string, string>,
): Promise<ProxyChild> {
  const configFile = join(dir, "proxy.yaml");
  writeFileSync(configFile, stringify(config), { mode: 0o600 });
  return startProxyChild(
    ["--config", configFile, "--log-format", "json", "--drain-seconds", String(drainSeconds)],
    env,
  );
}

export async function startProxyChild(args: string[], env: Record<string, string>): Promise<ProxyChild> {
  const child = spawn(process.execPath, [CLI_BIN, "proxy", ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const records: ProxyLogRecord[] = [];
  const nonJson: string[] = [];
  const waiters = new Set<() => void>();
  let text = "";
  let partial = "";
  child.stderr?.on("data", (d: Buffer) => {
    text += d.toString("utf8");
    partial += d.toString("utf8");
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const l of lines) {
      if (!l.trim()) continue;
      try {
        records.push(JSON.parse(l) as ProxyLogRecord);
      } catch {
        nonJson.push(l);
      }
    }
    for (const w of [...waiters]) w();
  });
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      for (const w of [...waiters]) w();
      resolve({ code, signal });
    });
  });
  const pc: ProxyChild = {
    child,
    records,
    nonJson,
    stderr: () => text,
    exited,
    waitFor(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = records.find(pred);
          if (hit) {
            finish();
            resolve(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`proxy exited (${child.exitCode ?? child.signalCode}) before the log line:\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no matching log line within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    port(listener) {
      const r = records.find((x) => x.event === "listening" && x.listener === listener);
      const port = Number(/:(\d+)$/.exec(r?.message ?? "")?.[1]);
      if (!port) throw new Error(`listener ${listener} not listening:\n${text}`);
      return port;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
  return pc;
}

/** `xoauth-mail proxy hash-password` with the password on stdin; returns the hash line. */
export async function hashWithCli(password: string): Promise<string> {
  const r = await runCli(["proxy", "hash-password"], { input: `${password}\n` });
  if (r.code !== 0) throw new Error(`hash-password failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** True when nothing accepts TCP connections on 127.0.0.1:port. */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", () => resolve(true));
  });
}
