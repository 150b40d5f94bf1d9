/** `xoauth-mail fetch` over IMAP against real Dovecot: byte-exact, 50 MB attachment, --keep, --delete, UIDVALIDITY. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { describeDovecot } from "../harness/dovecot/dovecot.js";
import { deliveredHashes, type FetchEnv, MAILBOX, sha256, startFetchEnv, tmpFiles } from "../harness/fetch-env.js";
import { asServed, asServedPop3, awkwardMessages, bigAttachmentMessage, plainMessage } from "../harness/messages.js";

describeDovecot("fetch over IMAP against Dovecot", () => {
  let env: FetchEnv;
  const originals = awkwardMessages();
  const big = bigAttachmentMessage(37 * 1024 * 1024); // ~50 MB once base64-encoded
  const all = [...originals, big];

  before(async () => {
    env = await startFetchEnv();
    for (const m of all) await env.dc.deliver(MAILBOX, m);
  });
  after(async () => {
    await env?.stop();
  });

  it("delivers awkward messages and a 50 MB attachment byte-exact; --keep rerun fetches nothing", async () => {
    assert.ok(big.length > 50_000_000);
    const md = join(env.dir, "md-imap");
    const r1 = await env.cli(env.args("imap", md, ["--json"]), { timeoutMs: 60_000 });
    assert.equal(r1.code, 0, r1.stderr);
    const s1 = JSON.parse(r1.stdout);
    assert.equal(s1.fetched, all.length);
    assert.equal(s1.protocol, "imap");
    assert.deepEqual(deliveredHashes(md), all.map((m) => sha256(asServed(m))).sort());
    assert.deepEqual(tmpFiles(md), []);
    const r2 = await env.cli(env.args("imap", md, ["--json", "--keep"]));
    assert.deepEqual([JSON.parse(r2.stdout).fetched, JSON.parse(r2.stdout).skipped], [0, all.length]);
  });

  it("POP3 delivers the same 50 MB message byte-exact", async () => {
    const md = join(env.dir, "md-pop3-big");
    const r = await env.cli(env.args("pop3", md, ["--json"]), { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(deliveredHashes(md), all.map((m) => sha256(asServedPop3(m))).sort());
  });

  it("after a UIDVALIDITY change fetches only the new message and explains why", async () => {
    const md = join(env.dir, "md-imap");
    await env.dc.setUidValidity(MAILBOX);
    const fresh = plainMessage(99);
    await env.dc.deliver(MAILBOX, fresh);
    const r = await env.cli(env.args("imap", md, ["--json"]));
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.fetched, 1);
    assert.match(r.stderr, /UIDVALIDITY changed/);
    assert.equal(deliveredHashes(md).length, all.length + 1);
    assert.ok(deliveredHashes(md).includes(sha256(fresh)));
  });

  it("a run cut short after a UIDVALIDITY change (--limit 1; a crash is the same) keeps fingerprint matching for the next run", async () => {
    const md = join(env.dir, "md-imap");
    await env.dc.setUidValidity(MAILBOX);
    const fresh = plainMessage(98);
    await env.dc.deliver(MAILBOX, fresh);
    const cut = await env.cli(env.args("imap", md, ["--json", "--limit", "1"]));
    assert.equal(cut.code, 0, cut.stderr);
    assert.match(cut.stderr, /UIDVALIDITY changed/);
    const r = await env.cli(env.args("imap", md, ["--json"]));
    assert.equal(r.code, 0, r.stderr);
    const hashes = deliveredHashes(md);
    assert.equal(new Set(hashes).size, hashes.length, "no message delivered twice");
    assert.equal(hashes.length, all.length + 2, "the old messages were matched, only the new one downloaded");
    assert.ok(hashes.includes(sha256(fresh)));
    const again = await env.cli(env.args("imap", md, ["--json"]));
    assert.deepEqual([JSON.parse(again.stdout).fetched, JSON.parse(again.stdout).skipped], [0, all.length + 2]);
  });

  it("--delete empties the folder with \\Deleted + UID EXPUNGE", async () => {
    const md = join(env.dir, "md-imap");
    const r = await env.cli(env.args("imap", md, ["--json", "--delete"]));
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual([s.fetched, s.deleted], [0, all.length + 2]);
    const r2 = await env.cli(env.args("imap", join(env.dir, "md-empty"), ["--json"]));
    assert.equal(JSON.parse(r2.stdout).fetched, 0);
  });
});
