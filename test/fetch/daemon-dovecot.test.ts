/**
 * Daemon mode against real Dovecot: `--idle` (IMAP IDLE, RFC 2177) fetches a new message within seconds of its
 * arrival, `--every` polls (POP3), and SIGTERM ends either cleanly (exit 0, "stopped", nothing left in tmp/).
 */
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { CLI_BIN } from "../helpers/cli.js";
import { describeDovecot } from "../helpers/dovecot.js";
import { type FetchEnv, MAILBOX, startFetchEnv, tmpFiles } from "./env.js";
import { plainMessage } from "./messages.js";

interface Daemon {
  child: ChildProcessWithoutNullStreams;
  logs: Record<string, unknown>[];
  /** Resolves with the first log entry matching `pred` (already seen or still to come); rejects after `ms`. */
  waitFor(pred: (e: Record<string, unknown>) => boolean, ms: number): Promise<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

function startDaemon(env: FetchEnv, args: string[]): Daemon {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    env: { ...process.env, XOAUTH_MAIL_CACHE_DIR: join(env.dir, "cache"), LANG: "C" },
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { pred: (e: Record<string, unknown>) => boolean; resolve(e: Record<string, unknown>): void }[] = [];
  let buf = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    buf += d;
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const e = JSON.parse(line) as Record<string, unknown>; // --log-format json: every line is JSON
      logs.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    }
  });
  child.stdout.resume();
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    logs,
    waitFor(pred, ms) {
      const seen = logs.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching log line in ${ms} ms: ${JSON.stringify(logs)}`)),
          ms,
        );
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
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

const cycles = (d: Daemon) => d.logs.filter((e) => e.msg === "cycle done");
const files = (md: string) => readdirSync(join(md, "new")).length;

describeDovecot("fetch daemon mode against Dovecot", () => {
  let env: FetchEnv;
  const daemons: Daemon[] = [];
  before(async () => {
    env = await startFetchEnv();
  });
  after(async () => {
    for (const d of daemons) await d.stop();
    await env?.stop();
  });

  it("--idle fetches a message delivered while it waits, within seconds, and SIGTERM ends it cleanly", async () => {
    const md = join(env.dir, "md-idle");
    const d = startDaemon(env, env.args("imap", md, ["--idle", "--delete", "--log-format", "json"]));
    daemons.push(d);
    await d.waitFor((e) => e.msg === "cycle done", 15_000);
    assert.equal(cycles(d)[0]?.fetched, 0);
    for (const n of [1, 2]) {
      const sent = Date.now();
      await env.dc.deliver(MAILBOX, plainMessage(100 + n));
      await d.waitFor((e) => e.msg === "cycle done" && e.fetched === 1 && cycles(d).length === n + 1, 10_000);
      assert.ok(Date.now() - sent < 10_000);
      assert.equal(files(md), n);
      assert.ok(d.logs.some((e) => e.msg === "IDLE ended: new mail"));
    }
    assert.equal(await d.stop(), 0);
    assert.ok(d.logs.some((e) => e.msg === "IDLE ended: stopping"));
    assert.equal(d.logs.at(-1)?.msg, "stopped");
    assert.deepEqual(tmpFiles(md), []);
  });

  it("--every polls over POP3 and SIGTERM during the wait exits 0", async () => {
    const md = join(env.dir, "md-every");
    await env.dc.deliver(MAILBOX, plainMessage(200));
    const d = startDaemon(env, env.args("pop3", md, ["--every", "1s", "--delete", "--log-format", "json"]));
    daemons.push(d);
    await d.waitFor((e) => e.msg === "cycle done" && e.fetched === 1, 15_000);
    await env.dc.deliver(MAILBOX, plainMessage(201));
    await d.waitFor((e) => e.msg === "cycle done" && e.fetched === 1 && cycles(d).length >= 2, 10_000);
    assert.equal(files(md), 2);
    assert.equal(await d.stop(), 0);
    assert.equal(d.logs.at(-1)?.msg, "stopped");
    assert.deepEqual(tmpFiles(md), []);
  });
});
