import assert from "node:assert/strict";
import { readdir, readFile, rename, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { isXoauthError } from "../../src/errors.js";
import { Maildir } from "../../src/store/maildir.js";
import { deliveryName, type MessageKey } from "../../src/store/names.js";
import { messageFingerprint, StateStore } from "../../src/store/state.js";
import { UidSet, uidSetString } from "../../src/store/uidset.js";
import { recordingFs, tempDir } from "../harness/store-fs.js";

const POP = { account: "ops@contoso.com", protocol: "pop3" } as const;
const IMAP = { account: "ops@contoso.com", protocol: "imap", folder: "INBOX" } as const;

async function deliver(md: Maildir, key: MessageKey, body = "m\r\n"): Promise<string> {
  const d = await md.beginDelivery(deliveryName(key));
  await d.write(Buffer.from(body));
  await d.commit();
  await md.syncNew();
  return d.name;
}

test("state file is written atomically with mode 0600 and reloads the same delivered set", async (t) => {
  const dir = await tempDir(t);
  const s = await StateStore.load(POP, { maildir: dir });
  s.markDelivered(["UID-a", "UID-b"]);
  s.markDeleted(["UID-a"]);
  await s.close();
  assert.equal((await stat(s.path)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(join(dir, ".xoauth-mail")), [s.path.split("/").pop()]);
  const again = await StateStore.load(POP, { maildir: dir });
  assert.equal(again.isDelivered("UID-a"), true);
  assert.equal(again.isDelivered("UID-b"), true);
  assert.equal(again.isDelivered("UID-c"), false);
  assert.equal(again.isDeleted("UID-a"), true);
  await again.close();
});

test("a second run for the same account is refused while the first holds the lock", async (t) => {
  const dir = await tempDir(t);
  const first = await StateStore.load(POP, { maildir: dir });
  await assert.rejects(StateStore.load(POP, { maildir: dir }), (e) => isXoauthError(e) && e.code === "STORE_ERROR");
  const other = await StateStore.load({ ...POP, account: "other@contoso.com" }, { maildir: dir });
  await other.close();
  await first.close();
  await (await StateStore.load(POP, { maildir: dir })).close();
});

test("a stale lock of a dead process is taken over", async (t) => {
  const dir = await tempDir(t);
  const s = await StateStore.load(POP, { maildir: dir });
  await s.close();
  await writeFile(`${s.path}.lock`, "2147483646\n");
  await (await StateStore.load(POP, { maildir: dir })).close();
});

test("a damaged state file is a STORE_ERROR, not an empty state (which would refetch everything)", async (t) => {
  const dir = await tempDir(t);
  const s = await StateStore.load(POP, { maildir: dir });
  await s.close();
  await writeFile(s.path, '{"format":"xoauth-mail-state","version":1,');
  await assert.rejects(StateStore.load(POP, { maildir: dir }), (e) => isXoauthError(e) && e.code === "STORE_ERROR");
});

// ---- crash points of docs/exactly-once.md, each recreated on disk ----

test("crash before rename: the stale tmp file is removed and the message is not delivered (fetched again)", async (t) => {
  const dir = await tempDir(t);
  const md = await Maildir.open(dir);
  const d = await md.beginDelivery(deliveryName({ ...POP, id: "U1" }));
  await d.write(Buffer.from("half a mess"));
  const old = new Date(Date.now() - 60_000);
  await utimes(d.tmpPath, old, old);
  await writeFile(join(dir, "tmp", "1700000000.M1P2.host"), "another program's"); // not ours: kept
  const s = await StateStore.load(POP, { maildir: dir });
  const report = await s.recover(await Maildir.open(dir));
  assert.deepEqual(report.tmpRemoved, [d.name]);
  assert.deepEqual(await readdir(join(dir, "tmp")), ["1700000000.M1P2.host"]);
  assert.equal(s.isDelivered("U1"), false);
  await s.close();
});

test("crash after rename, before the state was written: recovered from the file name, not fetched again", async (t) => {
  const dir = await tempDir(t);
  await deliver(await Maildir.open(dir), { ...POP, id: "U2" });
  const s = await StateStore.load(POP, { maildir: dir });
  await s.recover(await Maildir.open(dir));
  assert.equal(s.isDelivered("U2"), true);
  assert.equal(s.isDelivered("U3"), false);
  assert.deepEqual(s.recovered, ["U2"]);
  await s.close();
  const again = await StateStore.load(POP, { maildir: dir }); // recorded durably, no Maildir needed now
  assert.equal(again.isDelivered("U2"), true);
  await again.close();
});

test("crash after the state was written, before DELE/QUIT: known delivered even if the MUA removed the file", async (t) => {
  const dir = await tempDir(t);
  const md = await Maildir.open(dir);
  const name = await deliver(md, { ...POP, id: "U4" });
  const s = await StateStore.load(POP, { maildir: dir });
  s.markDelivered(["U4"]);
  await s.flush();
  await s.close(); // "crash": DELE never sent
  await rename(join(dir, "new", name), join(dir, "cur", `${name}:2,S`));
  const run2 = await StateStore.load(POP, { maildir: dir });
  await run2.recover(await Maildir.open(dir));
  assert.equal(run2.isDelivered("U4"), true); // -> the engine sends DELE again without refetching
  assert.equal(run2.isDeleted("U4"), false);
  assert.deepEqual(run2.recovered, []);
  await run2.close();
});

test("recover() fsyncs new/ before a file found there is recorded as delivered", async (t) => {
  const dir = await tempDir(t);
  const md0 = await Maildir.open(dir);
  // Crash after the rename into new/, before any fsync(new/): the name may not be durable yet.
  const d = await md0.beginDelivery(deliveryName({ ...POP, id: "U9" }));
  await d.write(Buffer.from("m\r\n"));
  await d.commit();
  const fs = recordingFs();
  const s = await StateStore.load(POP, { maildir: dir, fs });
  await s.recover(await Maildir.open(dir, { fs }));
  assert.deepEqual(
    fs.calls.filter((c) => c.startsWith("fsyncDir:")),
    ["fsyncDir:new"],
  );
  assert.equal(s.isDelivered("U9"), true);
  await s.close();
  assert.equal(fs.calls.indexOf("fsyncDir:new"), 0, "new/ synced before the state recorded U9");
});

test("recovery finds a message a MUA already moved to cur/ with flags", async (t) => {
  const dir = await tempDir(t);
  const name = await deliver(await Maildir.open(dir), { ...POP, id: "U5" });
  await rename(join(dir, "new", name), join(dir, "cur", `${name}:2,FS`));
  const s = await StateStore.load(POP, { maildir: dir });
  await s.recover(await Maildir.open(dir));
  assert.equal(s.isDelivered("U5"), true);
  await s.close();
});

test("prune forgets only UIDLs we deleted that the server no longer lists", async (t) => {
  const s = await StateStore.load(POP, { maildir: await tempDir(t) });
  s.markDelivered(["a", "b", "c"]);
  s.markDeleted(["a", "b"]);
  assert.equal(s.prune(["b", "c"]), 1);
  assert.deepEqual(
    ["a", "b", "c"].map((id) => s.isDelivered(id)),
    [false, true, true],
  );
  await s.close();
});

// ---- IMAP ----

test("IMAP UIDs are kept as compact ranges in the state file", async (t) => {
  const dir = await tempDir(t);
  const s = await StateStore.load(IMAP, { maildir: dir });
  assert.equal(s.setUidValidity(77), "first");
  s.markDelivered(Array.from({ length: 100_000 }, (_, i) => i + 1));
  s.markDelivered([100_005, 100_006]);
  await s.close();
  const file = JSON.parse(await readFile(s.path, "utf8"));
  assert.equal(file.imap.delivered, "1:100000,100005:100006");
  assert.equal(file.imap.highestUid, 100_006);
  const again = await StateStore.load(IMAP, { maildir: dir });
  assert.equal(again.setUidValidity(77), "same");
  assert.equal(again.isDelivered(100_000), true);
  assert.equal(again.isDelivered(100_001), false);
  await again.close();
});

test("a UIDVALIDITY change sets the old state aside and dedupes by Message-ID + size instead of refetching", async (t) => {
  const dir = await tempDir(t);
  const md = await Maildir.open(dir);
  const s = await StateStore.load(IMAP, { maildir: dir });
  s.setUidValidity(1);
  const fp = messageFingerprint(" <abc@contoso.com> ", 1234);
  s.markDelivered([{ id: 10, fingerprint: fp }, 11]);
  await deliver(md, { ...IMAP, uidValidity: 1, id: 12 }); // stored, not recorded, under the OLD validity
  await s.close();

  const run2 = await StateStore.load(IMAP, { maildir: dir });
  await run2.recover(await Maildir.open(dir));
  assert.equal(run2.setUidValidity(2), "changed");
  assert.equal(run2.isDelivered(10), false); // UIDs of the old validity mean nothing now
  assert.equal(run2.isDelivered(12), false); // nor do file names derived from them
  assert.equal(run2.highestUid, 0);
  assert.deepEqual(run2.previousUidValidities, [1]);
  assert.equal(run2.isKnownFingerprint(messageFingerprint("<abc@contoso.com>", 1234)), true);
  assert.equal(run2.isKnownFingerprint(messageFingerprint("<abc@contoso.com>", 1235)), false);
  assert.equal(run2.isKnownFingerprint(messageFingerprint(undefined, 1234)), false);
  await run2.close();
  const file = JSON.parse(await readFile(run2.path, "utf8"));
  assert.equal(file.imap.uidValidity, 2);
  assert.equal(file.imap.previous[0].delivered, "10:11");
});

test("UidSet matches a plain Set for any sequence of adds and round-trips through its text form", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 5 }))), (ops) => {
      const u = new UidSet();
      const ref = new Set<number>();
      for (const [a, len] of ops) {
        u.addRange(a, a + len);
        for (let i = a; i <= a + len; i++) ref.add(i);
      }
      for (let i = 0; i <= 210; i++) assert.equal(u.has(i), ref.has(i), `uid ${i}`);
      assert.equal(u.size, ref.size);
      const parsed = UidSet.parse(u.toString());
      assert.equal(parsed.toString(), u.toString());
      assert.equal(parsed.rangeCount, u.rangeCount);
    }),
  );
});

test("uidSetString gives the IMAP sequence-set of any UID list: sorted, merged, what UidSet.parse reads back", () => {
  assert.equal(uidSetString([]), "");
  assert.equal(uidSetString([9, 1, 2, 3, 7, 3, 10, 11, 12]), "1:3,7,9:12");
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 100 })), (uids) => {
      const text = uidSetString(uids);
      assert.match(text, /^(\d+(:\d+)?(,\d+(:\d+)?)*)?$/);
      const back = UidSet.parse(text);
      assert.equal(back.size, new Set(uids).size);
      for (const u of uids) assert.ok(back.has(u));
    }),
  );
});

test("a state file written before the UID-set modules were merged loads and is written back byte for byte", async (t) => {
  const dir = await tempDir(t);
  const s = await StateStore.load(IMAP, { maildir: dir });
  s.setUidValidity(7);
  await s.close();
  const file = JSON.parse(await readFile(s.path, "utf8"));
  file.imap.delivered = "1:3,5,8:10";
  await writeFile(s.path, JSON.stringify(file));
  const again = await StateStore.load(IMAP, { maildir: dir });
  assert.deepEqual(
    [1, 3, 4, 5, 7, 8, 10, 11].map((u) => again.isDelivered(u)),
    [true, true, false, true, false, true, true, false],
  );
  again.markDelivered([4]);
  await again.close();
  assert.equal(JSON.parse(await readFile(s.path, "utf8")).imap.delivered, "1:5,8:10");
});

test("a UIDVALIDITY change is persisted as 'renumbering' until finishRenumbering(): a crashed run leaves it on", async (t) => {
  const dir = await tempDir(t);
  const s = await StateStore.load(IMAP, { maildir: dir });
  assert.equal(s.setUidValidity(5), "first");
  assert.equal(s.renumbering, false, "the first UIDVALIDITY is no change");
  await s.close();

  const crashed = await StateStore.load(IMAP, { maildir: dir });
  assert.equal(crashed.setUidValidity(6), "changed");
  assert.equal(crashed.renumbering, true);
  await crashed.flush(); // what the pass does right after SELECT; then the process dies without closing
  assert.deepEqual(JSON.parse(await readFile(crashed.path, "utf8")).imap.renumbering, { from: 5, to: 6, known: 0 });

  const next = await StateStore.load(IMAP, { maildir: dir, lock: false });
  assert.equal(next.setUidValidity(6), "same");
  assert.equal(next.renumbering, true, "the next run still matches by fingerprint");
  next.finishRenumbering();
  assert.equal(next.renumbering, false);
  await next.flush();
  assert.equal(JSON.parse(await readFile(next.path, "utf8")).imap.renumbering, undefined);
  const later = await StateStore.load(IMAP, { maildir: dir, lock: false });
  assert.equal(later.renumbering, false);
});

test("while renumbering only fingerprints from before the change match: a copy of a message delivered since is new", async (t) => {
  const dir = await tempDir(t);
  const s = await StateStore.load(IMAP, { maildir: dir });
  s.setUidValidity(1);
  const old = messageFingerprint("<old@contoso.com>", 100);
  s.markDelivered([{ id: 1, fingerprint: old }]);
  assert.equal(s.setUidValidity(2), "changed");
  const since = messageFingerprint("<new@contoso.com>", 200);
  s.markDelivered([{ id: 5, fingerprint: since }]); // delivered under the new UIDVALIDITY
  assert.equal(s.isRenumberedFingerprint(old), true);
  assert.equal(s.isRenumberedFingerprint(since), false, "an identical copy of it arriving now is downloaded");
  await s.close();
  const again = await StateStore.load(IMAP, { maildir: dir });
  again.setUidValidity(2);
  assert.equal(again.isRenumberedFingerprint(old), true, "the snapshot survives a restart");
  assert.equal(again.isRenumberedFingerprint(since), false);
  await again.close();
});

test("two flushes at once (Graph actions settling while a batch is recorded) both succeed: writes are serialised", async (t) => {
  const dir = await tempDir(t);
  const md = await Maildir.open(dir);
  await deliver(md, { ...POP, id: "C1" });
  await deliver(md, { ...POP, id: "C2" });
  const s = await StateStore.load(POP, { maildir: dir });
  s.markDelivered(["C1"]);
  const first = s.flush();
  s.markDelivered(["C2"]);
  await Promise.all([first, s.flush()]);
  await s.close();
  const again = await StateStore.load(POP, { maildir: dir });
  assert.equal(again.isDelivered("C1"), true);
  assert.equal(again.isDelivered("C2"), true);
  await again.close();
});
