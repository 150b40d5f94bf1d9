import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type TestContext, test } from "node:test";
import { isXoauthError } from "../../src/errors.js";
import { Maildir, type MaildirOptions } from "../../src/store/maildir.js";
import { deliveryName, hashOfFileName, keyHash, type MessageKey } from "../../src/store/names.js";
import { memoryTempDir, recordingFs, tempDir } from "../harness/store-fs.js";

const key = (id: string | number): MessageKey => ({ account: "Ops@Contoso.com", protocol: "pop3", id });

const AWKWARD = Buffer.concat([
  Buffer.from(".starts with dot\r\n..two dots\r\n.\r\nbare LF\nbare CR\rmixed\r\n"),
  Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3, 0xa4, 0x1b]),
  Buffer.from("x".repeat(100_000)),
  randomBytes(300_000),
  Buffer.from("no final newline"),
]);

test("open creates tmp, new and cur with mode 0700", async (t) => {
  const dir = join(await tempDir(t), "Maildir");
  await Maildir.open(dir);
  for (const sub of ["tmp", "new", "cur"]) {
    const st = await stat(join(dir, sub));
    assert.equal(st.isDirectory(), true);
    assert.equal(st.mode & 0o777, 0o700);
  }
});

test("a message streamed in odd-sized chunks is stored byte for byte in new/ and nothing stays in tmp/", async (t) => {
  const md = await Maildir.open(await tempDir(t));
  const name = deliveryName(key("u1"));
  const d = await md.beginDelivery(name);
  const chunks: Buffer[] = [];
  for (let i = 0; i < AWKWARD.length; i += 7919) chunks.push(AWKWARD.subarray(i, i + 7919));
  await pipeline(Readable.from(chunks), d.writable);
  assert.equal(d.bytes, AWKWARD.length);
  assert.equal(await d.commit(), `new/${name}`);
  assert.deepEqual(await readFile(join(md.dir, "new", name)), AWKWARD);
  assert.equal((await stat(join(md.dir, "new", name))).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(join(md.dir, "tmp")), []);
  assert.equal(md.findDelivered(key("u1")), `new/${name}`);
});

test("an empty message is delivered as an empty file", async (t) => {
  const md = await Maildir.open(await tempDir(t));
  const d = await md.beginDelivery(deliveryName(key("empty")));
  await d.commit();
  assert.equal((await readFile(join(md.dir, "new", d.name))).length, 0);
});

test("a batch fsyncs each file before its rename and fsyncs new/ once, after every rename", async (t) => {
  const fs = recordingFs();
  const md = await Maildir.open(await tempDir(t), { fs });
  const batch = md.batch<number>();
  const names: string[] = [];
  for (let i = 1; i <= 20; i++) {
    const d = await md.beginDelivery(deliveryName(key(i)));
    names.push(d.name);
    await d.write(Buffer.from(`message ${i}\r\n`));
    batch.add(d, i);
  }
  const result = await batch.sync();
  assert.deepEqual(
    result.delivered,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  assert.deepEqual(result.failed, []);
  const dirSyncs = fs.calls.filter((c) => c.startsWith("fsyncDir:"));
  assert.deepEqual(dirSyncs, ["fsyncDir:new"]);
  const dirSyncAt = fs.calls.indexOf("fsyncDir:new");
  for (const name of names) {
    const f = fs.calls.indexOf(`fsyncFile:${name}`);
    const r = fs.calls.indexOf(`rename:${name}`);
    assert.ok(f >= 0 && r > f, `fsync before rename for ${name}`);
    assert.ok(r < dirSyncAt, `rename before directory fsync for ${name}`);
  }
});

test("a failed commit is reported as failed, not delivered, and its tmp file is removed", async (t) => {
  const fs = recordingFs((op) => op.startsWith("rename:") && op.includes("xm" + keyHash(key(2))));
  const md = await Maildir.open(await tempDir(t), { fs });
  const batch = md.batch<number>();
  for (const i of [1, 2, 3]) {
    const d = await md.beginDelivery(deliveryName(key(i)));
    await d.write(Buffer.from("x"));
    batch.add(d, i);
  }
  const result = await batch.sync();
  assert.deepEqual(result.delivered, [1, 3]);
  assert.equal(result.failed.length, 1);
  assert.equal(result.failed[0]?.tag, 2);
  assert.equal(result.failed[0]?.error.code, "STORE_ERROR");
  assert.deepEqual(await readdir(join(md.dir, "tmp")), []);
  assert.equal((await readdir(join(md.dir, "new"))).length, 2);
});

test("a failing directory fsync makes sync() throw so nothing is acknowledged", async (t) => {
  const md = await Maildir.open(await tempDir(t), { fs: recordingFs((op) => op === "fsyncDir:new") });
  const batch = md.batch();
  const d = await md.beginDelivery(deliveryName(key(1)));
  batch.add(d, "1");
  await assert.rejects(batch.sync(), (err) => isXoauthError(err) && err.code === "STORE_ERROR");
});

test("abort removes the tmp file and a later commit is refused", async (t) => {
  const md = await Maildir.open(await tempDir(t));
  const d = await md.beginDelivery(deliveryName(key(1)));
  await d.write(Buffer.from("partial"));
  await d.abort();
  await d.abort();
  assert.deepEqual(await readdir(join(md.dir, "tmp")), []);
  await assert.rejects(d.commit(), (err) => isXoauthError(err) && err.code === "STORE_ERROR");
  assert.deepEqual(await readdir(join(md.dir, "new")), []);
});

/**
 * A Maildir whose file calls run on the main thread (on tmpfs, checked) or on the thread pool (a disk temp dir, and
 * the option off); undefined, with the test skipped, when there is no tmpfs for the first.
 */
async function openIn(t: TestContext, onMainThread: boolean, opts: MaildirOptions): Promise<Maildir | undefined> {
  if (!onMainThread) {
    const md = await Maildir.open(await tempDir(t), { ...opts, shortCallsOnMainThread: false });
    assert.deepEqual(md.short.onMainThread, []);
    return md;
  }
  const dir = await memoryTempDir(t);
  if (dir === undefined) {
    t.skip("no tmpfs at /dev/shm");
    return undefined;
  }
  const md = await Maildir.open(dir, opts);
  assert.deepEqual(md.short.onMainThread, ["open", "write", "fsync", "close", "rename"]);
  return md;
}

for (const onMainThread of [false, true]) {
  test(`abort while a write is on its way waits for it: the descriptor is closed once, after the write, and no file stays (calls on the ${onMainThread ? "main thread, tmpfs" : "thread pool"})`, async (t) => {
    // Descriptors, not FileHandles (src/store/fsops.ts): closed under a queued writev, the number could be reused by
    // another message's file before the writev runs. Many deliveries aborted mid-write while others are written.
    // no spool: every write opens and writes tmp/<name>
    const md = await openIn(t, onMainThread, {});
    if (!md) return;
    const fds = async () => (await readdir("/proc/self/fd")).length;
    const before = process.platform === "linux" ? await fds() : 0;
    const big = randomBytes(256 * 1024);
    const keep = Array.from({ length: 20 }, (_, i) => md.delivery(deliveryName(key(100 + i))));
    const drop = Array.from({ length: 20 }, (_, i) => md.delivery(deliveryName(key(200 + i))));
    const writes = [...keep, ...drop].map((d) => d.write(big).catch(() => undefined));
    await Promise.all(drop.map((d) => d.abort())); // while their writes are in flight
    await Promise.all(writes);
    const batch = md.batch<number>();
    for (const [i, d] of keep.entries()) batch.add(d, i);
    const { delivered, failed } = await batch.sync();
    assert.equal(delivered.length, 20);
    assert.deepEqual(failed, []);
    for (const name of await readdir(join(md.dir, "new")))
      assert.deepEqual(await readFile(join(md.dir, "new", name)), big);
    assert.deepEqual(await readdir(join(md.dir, "tmp")), []);
    if (process.platform === "linux") assert.equal(await fds(), before, "every descriptor closed");
  });
}

for (const onMainThread of [false, true]) {
  test(`with the real file system, a rename that fails (new/ gone) fails that delivery only: tmp/ emptied, spool returned, descriptor closed (calls on the ${onMainThread ? "main thread, tmpfs" : "thread pool"})`, async (t) => {
    const md = await openIn(t, onMainThread, { spoolBytes: 1024, spoolTotalBytes: 4096 });
    if (!md) return;
    const fds = async () => (await readdir("/proc/self/fd")).length;
    const before = process.platform === "linux" ? await fds() : 0;
    const d = await md.beginDelivery(deliveryName(key(1)));
    await d.write(Buffer.from("spooled\r\n"));
    await rm(join(md.dir, "new"), { recursive: true });
    await assert.rejects(d.commit(), (err) => isXoauthError(err) && err.code === "STORE_ERROR");
    assert.deepEqual(await readdir(join(md.dir, "tmp")), []);
    if (process.platform === "linux") assert.equal(await fds(), before, "the descriptor was closed");
    // The spool budget came back: four messages of 1 KiB fit again (they would stream to tmp/ at once otherwise).
    await mkdir(join(md.dir, "new"));
    const more = await Promise.all([2, 3, 4, 5].map((i) => md.beginDelivery(deliveryName(key(i)))));
    for (const m of more) await m.write(Buffer.alloc(1024, 0x61));
    assert.deepEqual(await readdir(join(md.dir, "tmp")), [], "all four spooled");
    const batch = md.batch<number>();
    for (const [i, m] of more.entries()) batch.add(m, i);
    assert.equal((await batch.sync()).delivered.length, 4);
  });
}

test("a message over the size limit fails with LIMIT_EXCEEDED", async (t) => {
  const md = await Maildir.open(await tempDir(t), { maxMessageBytes: 1000 });
  const d = await md.beginDelivery(deliveryName(key(1)));
  await assert.rejects(
    pipeline(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), d.writable),
    (err) => isXoauthError(err) && err.code === "LIMIT_EXCEEDED",
  );
  await d.abort();
  assert.deepEqual(await readdir(join(md.dir, "tmp")), []);
});

test("file names that could escape the Maildir are refused", async (t) => {
  const md = await Maildir.open(await tempDir(t));
  for (const bad of ["../x", "a/b", "a\\b", "", ".hidden", "a:2,S"]) {
    await assert.rejects(md.beginDelivery(bad), (err) => isXoauthError(err) && err.code === "STORE_ERROR", bad);
  }
});

test("a message a MUA moved to cur/ with flags (and mbsync's ,U=) is still found on the next run", async (t) => {
  const dir = await tempDir(t);
  const md = await Maildir.open(dir);
  const d1 = await md.beginDelivery(deliveryName(key("a"), { host: "mx.example.org" }));
  await d1.commit();
  const d2 = await md.beginDelivery(deliveryName(key("b"), { host: "mx.example.org" }));
  await d2.commit();
  await rename(join(dir, "new", d1.name), join(dir, "cur", `${d1.name}:2,RS`));
  await rename(join(dir, "new", d2.name), join(dir, "cur", `${d2.name},U=7:2,`));
  await writeFile(join(dir, "cur", "1700000000.M1P2.other:2,S"), "not ours");
  const again = await Maildir.open(dir);
  assert.equal(again.findDelivered(key("a")), `cur/${d1.name}:2,RS`);
  assert.equal(again.findDelivered(key("b")), `cur/${d2.name},U=7:2,`);
  assert.equal(again.findDelivered(key("c")), undefined);
  assert.equal(again.deliveredCount, 2);
});

test("delivery names embed a stable, account-case-insensitive key hash and a sanitised host", () => {
  const a = deliveryName(key(5), { nowMs: 1_700_000_000_123, host: "h/o:st" });
  assert.equal(a, `1700000000.xm${keyHash(key(5))}.h\\057o\\072st`);
  assert.equal(keyHash({ ...key(5), account: "ops@contoso.com" }), keyHash(key(5)));
  assert.notEqual(keyHash(key(5)), keyHash({ ...key(5), protocol: "imap", uidValidity: 1 }));
  assert.notEqual(keyHash({ ...key(0), id: "1|2" }), keyHash({ ...key(0), account: "ops@contoso.com|1", id: "2" }));
  assert.equal(hashOfFileName(a), keyHash(key(5)));
  assert.equal(hashOfFileName("1700000000.M1P2.host:2,S"), undefined);
});

test("the index is rebuilt from disk: deleting a delivered file makes it unknown after rescan", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "new"), { recursive: true });
  const md = await Maildir.open(dir);
  const d = await md.beginDelivery(deliveryName(key(9)));
  await d.commit();
  assert.ok(md.findDelivered(key(9)));
  const { unlink } = await import("node:fs/promises");
  await unlink(join(dir, "new", d.name));
  await md.rescan();
  assert.equal(md.findDelivered(key(9)), undefined);
});

test("synthetic UIDLs for servers without UIDL are stable, size-sensitive and unique within a listing", async () => {
  const { syntheticUidls } = await import("../../src/store/names.js");
  const h1 = Buffer.from("Received: x\r\nMessage-ID: <1@x>\r\n\r\n");
  const h2 = Buffer.from("Received: y\r\nMessage-ID: <2@x>\r\n\r\n");
  const ids = syntheticUidls([
    { headers: h1, size: 10 },
    { headers: h2, size: 10 },
    { headers: h1, size: 10 },
    { headers: h1, size: 11 },
  ]);
  assert.equal(new Set(ids).size, 4);
  assert.equal(ids[2], `${ids[0]}#2`);
  assert.deepEqual(syntheticUidls([{ headers: Buffer.from(h1), size: 10 }]), [ids[0]]);
  assert.match(ids[0]!, /^h:[\w-]{32}:10$/);
});

test("a spooled small message touches tmp/ only at commit, and is stored byte for byte", async (t) => {
  const md = await Maildir.open(await tempDir(t), { spoolBytes: 64 * 1024 });
  const d = await md.beginDelivery(deliveryName(key("s1")));
  await pipeline(Readable.from([Buffer.from("Subject: a\r\n\r\n"), Buffer.from("body\r\n")]), d.writable);
  assert.deepEqual(await readdir(join(md.dir, "tmp")), []);
  const batch = md.batch<string>();
  batch.add(d, "s1");
  assert.deepEqual((await batch.sync()).delivered, ["s1"]);
  assert.equal(await readFile(join(md.dir, "new", d.name), "utf8"), "Subject: a\r\n\r\nbody\r\n");
  assert.equal((await stat(join(md.dir, "new", d.name))).mode & 0o777, 0o600);
});

test("a message bigger than the spool, or beyond the spool budget, streams into tmp/ and is stored whole", async (t) => {
  const md = await Maildir.open(await tempDir(t), { spoolBytes: 10_000, spoolTotalBytes: 15_000 });
  const held = await md.beginDelivery(deliveryName(key("held")));
  await held.write(Buffer.alloc(9_000, 97)); // spooled: 9,000 of the 15,000 budget
  const over = await md.beginDelivery(deliveryName(key("over")));
  await over.write(Buffer.alloc(8_000, 98)); // would exceed the budget: written to tmp/ now
  const big = await md.beginDelivery(deliveryName(key("big")));
  const chunks: Buffer[] = [];
  for (let i = 0; i < AWKWARD.length; i += 7919) chunks.push(AWKWARD.subarray(i, i + 7919));
  await pipeline(Readable.from(chunks), big.writable);
  assert.deepEqual((await readdir(join(md.dir, "tmp"))).sort(), [big.name, over.name].sort());
  const batch = md.batch<string>();
  batch.add(held, "held");
  batch.add(over, "over");
  batch.add(big, "big");
  assert.deepEqual((await batch.sync()).delivered, ["held", "over", "big"]);
  assert.deepEqual(await readFile(join(md.dir, "new", held.name)), Buffer.alloc(9_000, 97));
  assert.deepEqual(await readFile(join(md.dir, "new", over.name)), Buffer.alloc(8_000, 98));
  assert.deepEqual(await readFile(join(md.dir, "new", big.name)), AWKWARD);
  assert.deepEqual(await readdir(join(md.dir, "tmp")), []);
});

test("commit() writes out every chunk still buffered in the writable (written without waiting, as a socket does)", async (t) => {
  const md = await Maildir.open(await tempDir(t));
  const d = await md.beginDelivery(deliveryName(key(7)));
  const chunks = Array.from({ length: 300 }, () => randomBytes(16 * 1024)); // 4.8 MB, far above the highWaterMark
  let refused = 0;
  for (const c of chunks) if (!d.writable.write(c)) refused++;
  assert.ok(refused > 0, "the writable applied backpressure, so chunks were still buffered at commit");
  const path = await d.commit();
  const expected = Buffer.concat(chunks);
  assert.equal(d.bytes, expected.length);
  assert.deepEqual(await readFile(join(md.dir, path)), expected);
});

test("flush() ends the writable and counts every byte before the delivery is handed on", async (t) => {
  const md = await Maildir.open(await tempDir(t));
  const d = await md.beginDelivery(deliveryName(key(8)));
  for (let i = 0; i < 50; i++) d.writable.write(Buffer.alloc(64 * 1024, i));
  await d.flush();
  assert.equal(d.bytes, 50 * 64 * 1024);
  await d.flush(); // idempotent
  await d.commit();
});

test("a write that failed inside the writable (limit, disk) makes flush() and commit() fail: never a cut-short file in new/", async (t) => {
  const dir = await tempDir(t);
  const md = await Maildir.open(dir, { maxMessageBytes: 10 });
  const d = md.delivery(deliveryName(key(9)));
  d.writable.write(Buffer.from("12345"));
  d.writable.write(Buffer.from("678901234567")); // over the 10-byte limit: this write fails
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(d.flush(), (e: unknown) => isXoauthError(e) && e.code === "LIMIT_EXCEEDED");
  await assert.rejects(d.commit());
  assert.deepEqual(await readdir(join(dir, "new")), []);
  assert.deepEqual(await readdir(join(dir, "tmp")), []);
});
