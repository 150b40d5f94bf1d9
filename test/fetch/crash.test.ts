/**
 * Crash safety end to end: the built CLI fetches ~50 messages from real Dovecot with --delete and small batches, and
 * is SIGKILLed at random instants, several times; reruns finish the job. 0 lost, 0 duplicated (sha256 of every file
 * against the originals), server empty, nothing left in tmp/. The same over Microsoft Graph against the sandbox's
 * Graph fake with --move-to: every message once in the Maildir and once in the target folder, the Inbox empty.
 * bench/crash-fetch.ts is the long version.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { killAndResume } from "../harness/crash-run.js";
import { describeDovecot } from "../harness/dovecot/dovecot.js";
import { deliveredHashes, type FetchEnv, MAILBOX, sha256, startFetchEnv, tmpFiles } from "../harness/fetch-env.js";
import { GRAPH_MAILBOX, type GraphFetchEnv, startGraphFetchEnv } from "../harness/graph-fetch-env.js";
import { plainMessage } from "../harness/messages.js";

describeDovecot("fetch survives SIGKILL at random points", () => {
  let env: FetchEnv;
  before(async () => {
    env = await startFetchEnv();
  });
  after(async () => {
    await env?.stop();
  });

  for (const protocol of ["pop3", "imap"] as const) {
    it(`${protocol}: 0 lost, 0 duplicated, server empty after kills and reruns`, async () => {
      const originals = Array.from({ length: 50 }, (_, i) => plainMessage(i + 1, 500 + ((i * 7919) % 60_000)));
      for (const m of originals) await env.dc.deliver(MAILBOX, m);
      const md = join(env.dir, `md-crash-${protocol}`);
      const report = await killAndResume({
        args: env.args(protocol, md, ["--delete", "--batch", "4", "--json"]),
        env: { XOAUTH_MAIL_CACHE_DIR: join(env.dir, "cache") },
        kills: 6,
        minMs: 150,
        maxMs: 900,
        progress: { maildir: md, total: originals.length },
      });
      assert.ok(report.kills >= 1, "at least one run was killed mid-way");
      assert.deepEqual(deliveredHashes(md), originals.map(sha256).sort(), "every message exactly once, byte-exact");
      assert.deepEqual(tmpFiles(md), []);
      const check = await env.cli(env.args(protocol, join(env.dir, `md-check-${protocol}`), ["--json"]));
      assert.equal(JSON.parse(check.stdout).fetched, 0, "server is empty");
    });
  }
});

describe("fetch --protocol graph survives SIGKILL at random points", () => {
  let env: GraphFetchEnv;
  before(async () => {
    env = await startGraphFetchEnv();
  });
  after(() => env?.stop());

  it("graph --move-to: 0 lost, 0 duplicated, each message moved exactly once, Inbox empty", async () => {
    const directory = env.world.graph.directory;
    directory.findMailbox(GRAPH_MAILBOX)?.folders.get("INBOX")?.splice(0);
    const originals = Array.from({ length: 50 }, (_, i) => plainMessage(i + 1, 500 + ((i * 7919) % 60_000)));
    for (const m of originals) directory.deliver(GRAPH_MAILBOX, m);
    env.world.graph.addFolder(GRAPH_MAILBOX, "Processed");
    const md = join(env.world.dir, "md-crash-graph");
    const report = await killAndResume({
      args: env.args(md, ["--move-to", "Processed", "--batch", "4"]),
      env: env.env,
      kills: 6,
      minMs: 150,
      maxMs: 900,
      progress: { maildir: md, total: originals.length },
    });
    assert.ok(report.kills >= 1, "at least one run was killed mid-way");
    const want = originals.map(sha256).sort();
    assert.deepEqual(deliveredHashes(md), want, "every message exactly once in the Maildir, byte-exact");
    assert.deepEqual(tmpFiles(md), []);
    assert.deepEqual(env.folder("INBOX"), [], "every message moved");
    assert.deepEqual(env.folder("Processed").map(sha256).sort(), want, "each moved once");
  });
});
