/** Per-account lock: never seen empty by a racer, an unparsable young lock is held, stale takeover has one winner. */
import assert from "node:assert/strict";
import { readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { isXoauthError } from "../../src/errors.js";
import { acquireLock } from "../../src/store/lock.js";

/** What this process writes into a lock: its pid and its per-process nonce. */
const OWN_LOCK = new RegExp(`^${process.pid} [0-9a-f]{16}\n$`);

import { tempDir } from "../harness/store-fs.js";

const DEAD_PID = "2147483646\n";
const isStoreError = (e: unknown) => isXoauthError(e) && e.code === "STORE_ERROR";

test("an empty lock file that was just created (owner still writing its pid) is held, not taken over", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "state.json.lock");
  await writeFile(path, "");
  await assert.rejects(acquireLock(path), isStoreError);
  assert.equal(await readFile(path, "utf8"), "", "the other run's lock is left alone");
  assert.deepEqual(await readdir(dir), ["state.json.lock"], "no private lock file is left behind");
});

test("an empty lock file that is old (its writer crashed long ago) is taken over", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "state.json.lock");
  await writeFile(path, "");
  const old = new Date(Date.now() - 3_600_000);
  await utimes(path, old, old);
  const release = await acquireLock(path);
  assert.match(await readFile(path, "utf8"), OWN_LOCK);
  await release();
  assert.deepEqual(await readdir(dir), []);
});

test("the lock appears with the owner's pid already in it, mode 0600, and a second acquirer is refused", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "state.json.lock");
  const release = await acquireLock(path);
  assert.match(await readFile(path, "utf8"), OWN_LOCK);
  if (process.platform !== "win32") assert.equal((await stat(path)).mode & 0o777, 0o600);
  await assert.rejects(acquireLock(path), (e) => isStoreError(e) && /pid \d+/.test((e as Error).message));
  await release();
  await (await acquireLock(path))();
});

test("many runs racing for one stale lock: exactly one takes it over, the rest are refused", async (t) => {
  for (let round = 0; round < 20; round++) {
    const dir = await tempDir(t);
    const path = join(dir, "state.json.lock");
    await writeFile(path, DEAD_PID);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLock(path)));
    const won = results.filter((r) => r.status === "fulfilled");
    assert.equal(won.length, 1, `round ${round}: ${won.length} winners`);
    for (const r of results) if (r.status === "rejected") assert.ok(isStoreError(r.reason), String(r.reason));
    assert.match(await readFile(path, "utf8"), OWN_LOCK);
    await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    assert.deepEqual(await readdir(dir), [], "lock released, no stale or private files left");
  }
});

test("release does not remove a lock that is no longer this run's", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "state.json.lock");
  const release = await acquireLock(path);
  await writeFile(`${path}.new`, "12345\n");
  const { rename } = await import("node:fs/promises");
  await rename(`${path}.new`, path); // someone else's lock now sits at the path
  await release();
  assert.equal(await readFile(path, "utf8"), "12345\n");
});

test("a lock with OUR pid that this process did not create (container restarted as the same pid) is stale", async (t) => {
  const path = join(await tempDir(t), "state.json.lock");
  await writeFile(path, `${process.pid}\n`);
  const hourAgo = new Date(Date.now() - 3_600_000);
  await utimes(path, hourAgo, hourAgo);
  const release = await acquireLock(path);
  assert.match(await readFile(path, "utf8"), OWN_LOCK);
  // ...while a lock this process holds right now is still refused to a second acquirer of the same process.
  await assert.rejects(acquireLock(path), (e: unknown) => isXoauthError(e) && /is running/.test(e.message));
  await release();
});
