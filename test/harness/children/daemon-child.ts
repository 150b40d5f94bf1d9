/** `xoauth-mail fetch --idle|--every --log-format json` as a child process of the BUILT CLI, its log lines parsed. */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { CLI_BIN } from "../cli.js";

export type LogEntry = Record<string, unknown>;

export interface Daemon {
  child: ChildProcessWithoutNullStreams;
  logs: LogEntry[];
  /** Lines on stdout or stderr that were not one JSON object (json mode: must stay empty). */
  notJson: string[];
  /** Resolves with the first log entry matching `pred` (already seen or still to come); rejects after `ms`. */
  waitFor(pred: (e: LogEntry) => boolean, ms: number): Promise<LogEntry>;
  /** SIGTERM (SIGKILL after 10 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startDaemon(args: string[], env: NodeJS.ProcessEnv): Daemon {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { env });
  const logs: LogEntry[] = [];
  const notJson: string[] = [];
  const waiters: { pred: (e: LogEntry) => boolean; resolve(e: LogEntry): void }[] = [];
  const lines = () => {
    let buf = "";
    return (d: string) => {
      buf += d;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let e: unknown;
        try {
          e = JSON.parse(line);
        } catch {}
        if (!e || typeof e !== "object" || Array.isArray(e)) {
          notJson.push(line);
          continue;
        }
        logs.push(e as LogEntry);
        for (const w of [...waiters]) {
          if (w.pred(e as LogEntry)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(e as LogEntry);
          }
        }
      }
    };
  };
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", lines());
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", lines());
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    logs,
    notJson,
    waitFor(pred, ms) {
      const seen = logs.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(entry), 1);
          reject(new Error(`no matching log line in ${ms} ms: ${JSON.stringify(logs)} / not JSON: ${notJson}`));
        }, ms);
        const entry = {
          pred,
          resolve: (e: LogEntry) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        waiters.push(entry);
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await closed;
      clearTimeout(timer);
      return code;
    },
  };
}
