/**
 * One fetch per account at a time: two concurrent runs would both download the same new message and deliver it
 * twice. `<state>.lock` holds the owner's pid. It is never created empty: the pid is written into a private file
 * `<lock>.<pid>.<random>` first, which is then link(2)ed into place (atomic; EEXIST when someone holds it).
 *
 * A lock whose pid is gone is stale. Only the holder of `<lock>.takeover` (taken the same way) removes a stale lock,
 * after re-checking it is still the same file (inode); of several racers one takes it over, the others are refused.
 * After taking the lock the owner re-reads it and confirms it is its own (inode and pid).
 * An empty or unparsable lock (an older version between create and write) counts as held while it is young.
 */
import { randomBytes } from "node:crypto";
import { link, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { storeError } from "./maildir.js";

/** An unparsable lock younger than this is taken as being written by its owner right now. */
const YOUNG_UNPARSABLE_MS = 30_000;
const ATTEMPTS = 5;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface LockInfo {
  ino: bigint;
  dev: bigint;
  ageMs: number;
  pid: number | undefined;
}

/** What is at `path` now; undefined when there is no lock. */
async function inspect(path: string): Promise<LockInfo | undefined> {
  try {
    const st = await stat(path, { bigint: true });
    const text = await readFile(path, "utf8");
    const pid = /^\s*(\d+)\s*$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
    return {
      ino: st.ino,
      dev: st.dev,
      ageMs: Date.now() - Number(st.mtimeMs),
      pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined,
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw storeError(`Cannot read lock ${path}`, err, { path });
  }
}

async function sameFile(path: string, ino: bigint, dev: bigint): Promise<boolean> {
  const st = await stat(path, { bigint: true }).catch(() => undefined);
  return st !== undefined && st.ino === ino && st.dev === dev;
}

function held(path: string, pid: number | undefined, cause?: unknown): never {
  const who = pid === undefined ? "another process" : `pid ${pid}`;
  throw storeError(`Another xoauth-mail fetch (${who}) is running for this account (lock ${path})`, cause, {
    path,
    pid: pid === undefined ? "" : String(pid),
  });
}

/** Moves `path` aside if it is still the file `judged` (same inode); a different file found there is put back. */
async function moveAside(path: string, judged: LockInfo): Promise<void> {
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return; // another racer moved it first
    throw storeError(`Cannot remove stale lock ${path}`, err, { path });
  }
  if (!(await sameFile(aside, judged.ino, judged.dev))) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/**
 * Removes the stale lock `stale` while holding `<lock>.takeover` (linked from our pid file `mine`): only the
 * takeover holder removes locks and acquirers only link, so the file it re-checks is the file it removes.
 * A live takeover holder means another run is taking the lock right now: held.
 */
async function removeStale(path: string, stale: LockInfo, mine: string, own: LockInfo): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    await link(mine, guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw storeError(`Cannot take over lock ${path}`, err);
    const other = await inspect(guard);
    if (other === undefined) return;
    if (other.pid !== undefined ? alive(other.pid) : other.ageMs < YOUNG_UNPARSABLE_MS) held(path, other.pid, err);
    await moveAside(guard, other); // its holder died during a takeover (a window of milliseconds)
    return;
  }
  try {
    const now = await inspect(path);
    if (now && now.ino === stale.ino && now.dev === stale.dev) await unlink(path).catch(() => undefined);
  } finally {
    if (await sameFile(guard, own.ino, own.dev)) await unlink(guard).catch(() => undefined);
  }
}

/** Takes the lock or throws STORE_ERROR naming the pid that holds it. Returns the release function. */
export async function acquireLock(path: string): Promise<() => Promise<void>> {
  const mine = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    await writeFile(mine, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
  } catch (err) {
    throw storeError(`Cannot create lock ${path}`, err, { path });
  }
  try {
    const st = await stat(mine, { bigint: true });
    const own: LockInfo = { ino: st.ino, dev: st.dev, ageMs: 0, pid: process.pid };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        await link(mine, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw storeError(`Cannot create lock ${path}`, err);
        const other = await inspect(path);
        if (other === undefined) continue; // released meanwhile
        if (other.pid !== undefined ? alive(other.pid) : other.ageMs < YOUNG_UNPARSABLE_MS) held(path, other.pid, err);
        await removeStale(path, other, mine, own);
        continue;
      }
      // Confirm: the lock is our file with our pid (a racer's stale takeover could have moved it).
      const now = await inspect(path);
      if (now && now.ino === own.ino && now.dev === own.dev && now.pid === process.pid) {
        return async () => {
          if (await sameFile(path, own.ino, own.dev)) await unlink(path).catch(() => undefined);
        };
      }
      if (now !== undefined) held(path, now.pid);
    }
    throw storeError(`Cannot take lock ${path}`, undefined, { path });
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}
