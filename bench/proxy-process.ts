/** `xoauth-mail proxy --config FILE` as a child process on a free loopback port; stopped with SIGTERM. */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { onCleanup } from "./cleanup.js";
import type { BenchEnv } from "./env.js";
import { CLI_BIN } from "./paths.js";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ProxyProcess {
  pid: number | undefined;
  /** Proxy log lines (JSON) so far. */
  logs(): string[];
  stop(): Promise<void>;
}

export async function startProxyProcess(
  env: Pick<BenchEnv, "caFile">,
  config: string,
  port: number,
  cacheDir: string,
  nodeFlags: string[] = [],
): Promise<ProxyProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeFlags,
      CLI_BIN,
      "proxy",
      "--config",
      config,
      "--ca-file",
      env.caFile,
      "--log-format",
      "json",
      "--drain-seconds",
      "1",
    ],
    {
      env: { PATH: process.env.PATH, LANG: "C", XOAUTH_MAIL_CACHE_DIR: cacheDir },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  let buf = "";
  child.stderr?.on("data", (c: Buffer) => {
    buf += c.toString();
    const parts = buf.split("\n");
    buf = parts.pop() ?? "";
    if (lines.length < 20_000) lines.push(...parts);
  });
  child.stdout?.resume();
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      child.kill("SIGTERM");
    });
  onCleanup(stop);
  const deadline = Date.now() + 20_000;
  while (!lines.some((l) => l.includes('"listening"') && l.includes(String(port)))) {
    if (child.exitCode !== null) throw new Error(`proxy exited (${child.exitCode}): ${lines.join("\n")}${buf}`);
    if (Date.now() > deadline) throw new Error(`proxy did not start: ${lines.join("\n")}${buf}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { pid: child.pid, logs: () => lines, stop };
}
