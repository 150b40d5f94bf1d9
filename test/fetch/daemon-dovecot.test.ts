/**
 * Daemon mode against real Dovecot: `--idle` (IMAP IDLE, RFC 2177) fetches a new message within seconds of its
 * arrival, `--every` polls (POP3), and SIGTERM ends either cleanly (exit 0, "stopped", nothing left in tmp/).
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { type Daemon, startDaemon as startChild } from "../harness/children/daemon-child.js";
import { describeDovecot } from "../harness/dovecot/dovecot.js";
import { type FetchEnv, MAILBOX, startFetchEnv, tmpFiles } from "../harness/fetch-env.js";
import { plainMessage } from "../harness/messages.js";

function startDaemon(env: FetchEnv, args: string[]): Daemon {
  return startChild(args, { ...process.env, XOAUTH_MAIL_CACHE_DIR: join(env.dir, "cache"), LANG: "C" });
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
    assert.deepEqual(d.notJson, [], "--log-format json: every line is JSON");
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
    assert.deepEqual(d.notJson, [], "--log-format json: every line is JSON");
    assert.deepEqual(tmpFiles(md), []);
  });
});
