/**
 * ShortCalls: a delivery's file calls run on the main thread while they return at once, and each kind moves to the
 * thread pool when it is slow. The clock is injected, so no test depends on this machine's speed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { constants, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { type CallKind, onMemoryFileSystem, ShortCalls } from "../../src/store/fsops.js";
import { Maildir } from "../../src/store/maildir.js";
import { recordingFs, tempDir } from "../harness/store-fs.js";

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
const ALL: CallKind[] = ["open", "write", "fsync", "close", "rename"];

/** A clock the test moves: each call of a kind in `slow` takes `ms`, every other call 0.01 ms. */
function steppedClock(): { clock: () => number; slow: Map<string, number>; kind: { now: string } } {
  let t = 0;
  let started = false;
  const slow = new Map<string, number>();
  const kind = { now: "" };
  return {
    slow,
    kind,
    clock: () => {
      if (started) t += slow.get(kind.now) ?? 0.01;
      started = !started;
      return t;
    },
  };
}

/** One whole delivery's calls (open, write, fsync, close, rename) through `s`; returns the file's final path. */
async function deliverOne(s: ShortCalls, dir: string, i: number, kind: { now: string }): Promise<string> {
  const tmp = join(dir, `t${i}`);
  const dst = join(dir, `n${i}`);
  kind.now = "open";
  const file = await s.open(tmp, CREATE, 0o600);
  kind.now = "write";
  await s.writeFully(file, [Buffer.from(`message ${i}\r\n`)]);
  kind.now = "fsync";
  await s.fsync(file, async () => {});
  kind.now = "close";
  await s.close(file);
  kind.now = "rename";
  await s.rename(tmp, dst, async () => {});
  return dst;
}

test("fast calls stay on the main thread: 100 deliveries at 0.01 ms per call", async (t) => {
  const dir = await tempDir(t);
  const { clock, kind } = steppedClock();
  const s = new ShortCalls(true, clock);
  for (let i = 0; i < 100; i++) await deliverOne(s, dir, i, kind);
  assert.deepEqual(s.onMainThread, ALL);
  assert.equal(readFileSync(join(dir, "n99"), "utf8"), "message 99\r\n");
});

test("a kind that is slow more than 4 times in 16 moves to the thread pool; the others stay", async (t) => {
  const dir = await tempDir(t);
  const { clock, slow, kind } = steppedClock();
  slow.set("open", 0.6); // creating a file on ext4 without a journal
  const s = new ShortCalls(true, clock);
  for (let i = 0; i < 4; i++) await deliverOne(s, dir, i, kind);
  assert.deepEqual(s.onMainThread, ALL, "four slow opens are not yet enough");
  await deliverOne(s, dir, 4, kind);
  assert.deepEqual(s.onMainThread, ["write", "fsync", "close", "rename"]);
  // From now on open runs on the pool (fd.open): the clock is no longer read for it, and files still get made.
  await deliverOne(s, dir, 5, kind);
  assert.equal(readFileSync(join(dir, "n5"), "utf8"), "message 5\r\n");
});

test("occasional slow calls (the main thread preempted) do not move a kind", async (t) => {
  const dir = await tempDir(t);
  const { clock, slow, kind } = steppedClock();
  const s = new ShortCalls(true, clock);
  for (let i = 0; i < 64; i++) {
    if (i % 8 === 0) slow.set("fsync", 3);
    else slow.delete("fsync");
    await deliverOne(s, dir, i, kind);
  }
  assert.deepEqual(s.onMainThread, ALL, "two slow calls in every 16 stay under the limit");
});

test("one call over 8 ms moves its kind at once, and the pool version is used afterwards", async (t) => {
  const dir = await tempDir(t);
  const { clock, slow, kind } = steppedClock();
  slow.set("fsync", 9);
  const s = new ShortCalls(true, clock);
  await deliverOne(s, dir, 0, kind);
  assert.deepEqual(s.onMainThread, ["open", "write", "close", "rename"]);
  const pooled: string[] = [];
  const file = await s.open(join(dir, "x"), CREATE, 0o600);
  await s.fsync(file, async (n) => {
    pooled.push(`fsync:${n === file}`);
  });
  await s.close(file);
  assert.deepEqual(pooled, ["fsync:true"]);
});

test("ShortCalls(false) gives every call to the thread pool (the StoreFs versions for fsync and rename)", async (t) => {
  const dir = await tempDir(t);
  const s = new ShortCalls(false);
  assert.deepEqual(s.onMainThread, []);
  const pooled: string[] = [];
  const file = await s.open(join(dir, "a"), CREATE, 0o600);
  await s.writeFully(file, [Buffer.from("abc")]);
  await s.fsync(file, async () => {
    pooled.push("fsync");
  });
  await s.close(file);
  await s.rename(join(dir, "a"), join(dir, "b"), async () => {
    pooled.push("rename");
  });
  assert.deepEqual(pooled, ["fsync", "rename"]);
  assert.equal(readFileSync(join(dir, "a"), "utf8"), "abc", "the pool rename given was a stub: nothing moved");
});

test("errors are the errno errors of the calls, as rejections, on the main thread and on the pool", async (t) => {
  const dir = await tempDir(t);
  writeFileSync(join(dir, "taken"), "x");
  for (const s of [new ShortCalls(true), new ShortCalls(false)]) {
    await assert.rejects(s.open(join(dir, "taken"), CREATE, 0o600), { code: "EEXIST" });
    await assert.rejects(s.close(987654), { code: "EBADF" });
    await assert.rejects(s.writeFully(987654, [Buffer.from("x")]), { code: "EBADF" });
  }
  await assert.rejects(
    new ShortCalls(true).rename(join(dir, "missing"), join(dir, "y"), async () => {}),
    { code: "ENOENT" },
  );
  await assert.rejects(
    new ShortCalls(true).fsync(987654, async () => {}),
    { code: "EBADF" },
  );
});

test("writeFully on the main thread writes every chunk, empty ones skipped, in order", async (t) => {
  const dir = await tempDir(t);
  const s = new ShortCalls(true);
  const file = await s.open(join(dir, "m"), CREATE, 0o600);
  const chunks = [Buffer.from("a"), Buffer.alloc(0), Buffer.alloc(200_000, 0x62), Buffer.from("c")];
  await s.writeFully(file, chunks);
  await s.close(file);
  assert.deepEqual(readFileSync(join(dir, "m")), Buffer.concat(chunks));
});

test("a Maildir with an injected StoreFs makes its fsync and rename through it (the order tests see them)", async (t) => {
  const dir = await tempDir(t);
  const fs = recordingFs();
  const md = await Maildir.open(join(dir, "M"), { fs, spoolBytes: 1024 });
  assert.deepEqual(md.short.onMainThread, []);
  const d = await md.beginDelivery("1.a.host");
  await d.write(Buffer.from("hello\r\n"));
  await d.commit();
  assert.deepEqual(fs.calls, ["fsyncFile:1.a.host", "rename:1.a.host"]);
  const real = await Maildir.open(join(dir, "R"), { spoolBytes: 1024 });
  assert.deepEqual(real.short.onMainThread, (await onMemoryFileSystem(join(dir, "R", "tmp"))) ? ALL : []);
  const off = await Maildir.open(join(dir, "O"), { shortCallsOnMainThread: false });
  assert.deepEqual(off.short.onMainThread, []);
});

/** The file system type name `stat -f` reports for a path (GNU coreutils), or undefined. */
function fsTypeName(path: string): string | undefined {
  const r = spawnSync("stat", ["-f", "-c", "%T", path], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

test("only tmpfs and ramfs count as memory file systems (statfs, checked against stat -f); anything else and errors do not", async (t) => {
  if (process.platform !== "linux") {
    assert.equal(await onMemoryFileSystem("."), false, "other platforms: the thread pool only");
    return;
  }
  assert.equal(await onMemoryFileSystem("/proc"), false, "procfs is not memory storage");
  assert.equal(await onMemoryFileSystem("/no/such/dir"), false, "statfs failed: the thread pool");
  const dir = await tempDir(t);
  let checked = 0;
  for (const path of [dir, "/dev/shm", "/"]) {
    const name = fsTypeName(path);
    if (name === undefined) continue;
    assert.equal(await onMemoryFileSystem(path), name === "tmpfs" || name === "ramfs", `${path} (${name})`);
    checked++;
  }
  if (checked === 0) t.skip("stat -f is not available here");
});
