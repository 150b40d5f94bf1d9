/** `xoauth-mail fetch` over POP3 against real Dovecot: byte-exact, --keep reruns, --delete empties, --json. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { describeDovecot } from "../harness/dovecot/dovecot.js";
import { deliveredHashes, type FetchEnv, MAILBOX, sha256, startFetchEnv, tmpFiles } from "../harness/fetch-env.js";
import { asServedPop3, awkwardMessages } from "../harness/messages.js";

describeDovecot("fetch over POP3 against Dovecot", () => {
  let env: FetchEnv;
  const originals = awkwardMessages();
  const expected = originals.map((m) => sha256(asServedPop3(m))).sort();

  before(async () => {
    env = await startFetchEnv();
    for (const m of originals) await env.dc.deliver(MAILBOX, m);
  });
  after(async () => {
    await env?.stop();
  });

  it("delivers every awkward message byte-exact, and a --keep rerun fetches nothing new", async () => {
    const md = join(env.dir, "md-keep");
    const r1 = await env.cli(env.args("pop3", md, ["--json"]));
    assert.equal(r1.code, 0, r1.stderr);
    const s1 = JSON.parse(r1.stdout);
    assert.deepEqual(
      { ok: s1.ok, account: s1.account, protocol: s1.protocol, fetched: s1.fetched, deleted: s1.deleted },
      { ok: true, account: MAILBOX, protocol: "pop3", fetched: originals.length, deleted: 0 },
    );
    assert.deepEqual(deliveredHashes(md), expected);
    assert.deepEqual(tmpFiles(md), []);
    const r2 = await env.cli(env.args("pop3", md, ["--json", "--keep"]));
    const s2 = JSON.parse(r2.stdout);
    assert.equal(s2.fetched, 0);
    assert.equal(s2.skipped, originals.length);
    assert.equal(deliveredHashes(md).length, originals.length);
  });

  it("--delete removes what is already delivered and leaves the server empty; a rerun finds nothing", async () => {
    const md = join(env.dir, "md-keep");
    const r = await env.cli(env.args("pop3", md, ["--json", "--delete"]));
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.fetched, 0);
    assert.equal(s.deleted, originals.length);
    assert.deepEqual(deliveredHashes(md), expected);
    const r2 = await env.cli(env.args("pop3", join(env.dir, "md-other"), ["--json"]));
    assert.equal(JSON.parse(r2.stdout).fetched, 0, "server is empty");
  });

  it("prints a one-line human summary and a typed error with exit code 2 for bad usage", async () => {
    await env.dc.deliver(MAILBOX, originals[0] as Buffer);
    const md = join(env.dir, "md-human");
    const r = await env.cli(env.args("pop3", md, ["--delete"]));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^✓ erp-inbox@contoso\.com \[pop3\]: 1 fetched \(\d+(\.\d)? [KM]?B\), 1 deleted, 0 already delivered in/,
    );
    const bad = await env.cli(env.args("pop3", md, ["--delete", "--keep"]));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\[USAGE\].*--delete and --keep/);
  });
});
