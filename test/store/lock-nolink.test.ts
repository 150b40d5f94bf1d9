/** Per-account lock on a file system without hard links: link(2) fails, the lock is created with O_EXCL instead. */
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { open, readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { isXoauthError } from "../../src/errors.js";
import { acquireLock, type LockOps } from "../../src/store/lock.js";

/** What this process writes into a lock: its pid and its per-process nonce. */
const OWN_LOCK = new RegExp(`^${process.pid} [0-9a-f]{16}\n$`);

import { tempDir } from "../harness/store-fs.js";

const isStoreError = (e: unknown) => isXoauthError(e) && e.code === "STORE_ERROR";
const errno = (code: string) => Object.assign(new Error(`${code}: injected, link`), { code });

/** A link(2) that always fails with `code` (as on SMB/FAT/some FUSE mounts); counts its calls. */
function failingLink(code = "EPERM"): LockOps & { calls: number } {
  const ops = {
    calls: 0,
    link: async () => {
      ops.calls++;
      throw errno(code);
    },
  };
  return ops;
}

/** The pid of a process that has exited. */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  assert.equal(child.status, 0);
  return child.pid;
}

async function lockDir(t: { after(fn: () => Promise<void>): void }) {
  const dir = await tempDir(t);
  return { dir, path: join(dir, "state.json.lock") };
}

for (const code of ["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK", "EXDEV"]) {
  test(`link failing with ${code}: the lock is created directly with the pid in it, mode 0600, and released`, async (t) => {
    const { dir, path } = await lockDir(t);
    const ops = failingLink(code);
    const release = await acquireLock(path, ops);
    assert.ok(ops.calls >= 1, "link was tried first");
    assert.match(await readFile(path, "utf8"), OWN_LOCK);
    if (process.platform !== "win32") assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ["state.json.lock"], "no private pid file is left behind");
    await release();
    assert.deepEqual(await readdir(dir), []);
  });
}

test("without hard links a second acquirer is refused naming the holder's pid, and can take it after release", async (t) => {
  const { path } = await lockDir(t);
  const release = await acquireLock(path, failingLink());
  await assert.rejects(
    acquireLock(path, failingLink()),
    (e) => isStoreError(e) && (e as Error).message.includes(`pid ${process.pid}`),
  );
  assert.match(await readFile(path, "utf8"), OWN_LOCK, "the holder's lock is left alone");
  await release();
  await (await acquireLock(path, failingLink()))();
});

test("without hard links an empty young lock (its creator is writing the pid) is held", async (t) => {
  const { path } = await lockDir(t);
  await writeFile(path, "");
  await assert.rejects(acquireLock(path, failingLink()), isStoreError);
  assert.equal(await readFile(path, "utf8"), "");
  const old = new Date(Date.now() - 3_600_000);
  await utimes(path, old, old);
  await (await acquireLock(path, failingLink()))();
});

test("without hard links the lock of an exited process is taken over (through the takeover guard)", async (t) => {
  const { dir, path } = await lockDir(t);
  await writeFile(path, `${exitedPid()}\n`);
  const ops = failingLink();
  const release = await acquireLock(path, ops);
  assert.ok(ops.calls >= 3, `link tried for lock, guard and lock again (${ops.calls} calls)`);
  assert.match(await readFile(path, "utf8"), OWN_LOCK);
  assert.deepEqual(await readdir(dir), ["state.json.lock"], "takeover guard removed");
  await release();
  assert.deepEqual(await readdir(dir), []);
});

test("without hard links a live takeover guard means held: the stale lock is not touched", async (t) => {
  const { path } = await lockDir(t);
  const stale = `${exitedPid()}\n`;
  await writeFile(path, stale);
  await writeFile(`${path}.takeover`, `${process.ppid}\n`); // a live process (our parent)
  await assert.rejects(acquireLock(path, failingLink()), isStoreError);
  assert.equal(await readFile(path, "utf8"), stale);
});

test("without hard links many runs racing for a free or a stale lock: exactly one wins", async (t) => {
  for (let round = 0; round < 20; round++) {
    const { dir, path } = await lockDir(t);
    if (round % 2 === 1) await writeFile(path, "2147483646\n");
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLock(path, failingLink())));
    const won = results.filter((r) => r.status === "fulfilled");
    assert.equal(won.length, 1, `round ${round}: ${won.length} winners`);
    for (const r of results) if (r.status === "rejected") assert.ok(isStoreError(r.reason), String(r.reason));
    assert.match(await readFile(path, "utf8"), OWN_LOCK);
    await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    assert.deepEqual(await readdir(dir), [], `round ${round}: lock released, no guard or private files left`);
  }
});

/** A child that takes the lock with link failing EPERM on "go", prints won/refused, releases when stdin ends. */
const CHILD = `
const [url, path] = process.argv.slice(1);
const { acquireLock } = await import(url);
const link = async () => { throw Object.assign(new Error("EPERM: link"), { code: "EPERM" }); };
process.stdout.write("ready\\n");
await new Promise((r) => process.stdin.once("data", r));
let release;
try {
  release = await acquireLock(path, { link });
  process.stdout.write("won\\n");
} catch (e) {
  process.stdout.write("refused " + e.code + " " + e.message + "\\n");
}
await new Promise((r) => { process.stdin.on("end", r); process.stdin.resume(); });
if (release) await release();
`;

async function line(child: ChildProcessWithoutNullStreams): Promise<string> {
  let text = "";
  while (!text.includes("\n")) {
    const [chunk] = (await Promise.race([once(child.stdout, "data"), once(child, "exit")])) as [unknown];
    if (!Buffer.isBuffer(chunk)) throw new Error(`child exited early: ${text}`);
    text += chunk.toString("utf8");
  }
  return text.trim();
}

test("without hard links three processes racing for a stale lock: exactly one wins", async (t) => {
  const lockUrl = new URL("../../src/store/lock.js", import.meta.url).href;
  for (let round = 0; round < 2; round++) {
    const { dir, path } = await lockDir(t);
    await writeFile(path, `${exitedPid()}\n`);
    const children = Array.from({ length: 3 }, () =>
      spawn(process.execPath, ["--input-type=module", "-e", CHILD, lockUrl, path], { stdio: "pipe" }),
    );
    t.after(() => {
      for (const c of children) if (c.exitCode === null) c.kill();
    });
    for (const c of children) assert.equal(await line(c), "ready");
    for (const c of children) c.stdin.write("go\n");
    const results = await Promise.all(children.map(line));
    const winners = children.filter((_, i) => results[i] === "won");
    assert.equal(winners.length, 1, `round ${round}: ${results.join(" | ")}`);
    for (const r of results) if (r !== "won") assert.match(r, /^refused STORE_ERROR /);
    assert.match(await readFile(path, "utf8"), new RegExp(`^${winners[0]?.pid} [0-9a-f]{16}\n$`));
    for (const c of children) c.stdin.end();
    await Promise.all(children.map((c) => (c.exitCode === null ? once(c, "exit") : undefined)));
    assert.deepEqual(await readdir(dir), [], `round ${round}: released, nothing left behind`);
  }
});

test("an unknown link error (EIO) is still an error: no fallback, no lock, nothing left behind", async (t) => {
  const { dir, path } = await lockDir(t);
  let opened = 0;
  const ops: LockOps = {
    link: async () => {
      throw errno("EIO");
    },
    open: async (p, flags, mode) => {
      opened++;
      return open(p, flags, mode);
    },
  };
  await assert.rejects(acquireLock(path, ops), (e) => isStoreError(e) && (e as Error).message.includes(path));
  assert.equal(opened, 0, "the O_EXCL fallback is not used for EIO");
  assert.deepEqual(await readdir(dir), []);
});

test("when the fallback cannot create the lock either (EACCES) the error is STORE_ERROR naming the path", async (t) => {
  const { dir, path } = await lockDir(t);
  const ops: LockOps = {
    ...failingLink(),
    open: async () => {
      throw errno("EACCES");
    },
  };
  await assert.rejects(acquireLock(path, ops), (e) => {
    assert.ok(isStoreError(e), String(e));
    assert.ok((e as Error).message.includes(path));
    assert.equal((e as { details?: { params?: Record<string, string> } }).details?.params?.path, path);
    assert.equal(((e as Error).cause as NodeJS.ErrnoException).code, "EACCES");
    return true;
  });
  assert.deepEqual(await readdir(dir), []);
});
