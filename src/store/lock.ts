/**
 * One fetch per account at a time: two concurrent runs would both download the same new message and deliver it
 * twice. `<state>.lock` holds the owner's pid. It is never created empty: the pid is written into a private file
 * `<lock>.<pid>.<random>` first, which is then link(2)ed into place (atomic; EEXIST when someone holds it).
 *
 * A lock whose pid is gone is stale. Only the holder of `<lock>.takeover` (taken the same way) removes a stale lock,
 * after re-checking it is still the same file (inode); of several racers one takes it over, the others are refused.
 * After taking the lock the owner re-reads it and confirms it is its own (inode and pid).
 * An empty or unparsable lock (an older version between create and write) counts as held while it is young.
 *
 * File systems without hard links (some SMB/CIFS and FUSE mounts, FAT/exFAT, some NAS shares) fail link(2) with
 * EPERM, ENOTSUP, ENOSYS, EMLINK or EXDEV. Then the lock (or takeover guard) itself is created with O_EXCL and the
 * pid written in one write and fsynced: the short window in which it is empty is covered by the rule above.
 * Acquirers still only create, never replace, so the takeover's inode re-check keeps its meaning.
 */
import { randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { link, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { storeError } from "./maildir.js";

/** File operations the lock uses that tests replace (e.g. a link(2) that fails like on a file system without it). */
export interface LockOps {
  link?: (existingPath: string, newPath: string) => Promise<void>;
  open?: (path: string, flags: string, mode: number) => Promise<FileHandle>;
}
type Ops = Required<LockOps>;

/** link(2) errors meaning "this file system has no hard links" (not "someone holds the lock"). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK", "EXDEV"]);
/** fsync errors of file systems that do not implement it; the written pid is visible to other runs anyway. */
const NO_FSYNC = new Set(["EINVAL", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

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

const code = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

interface FileId {
  ino: bigint;
  dev: bigint;
}

interface LockInfo extends FileId {
  ageMs: number;
  pid: number | undefined;
  /** The writer's per-process nonce ("pid nonce"; older versions wrote the pid alone). */
  nonce: string | undefined;
}

/** What is at `path` now; undefined when there is no lock. */
async function inspect(path: string): Promise<LockInfo | undefined> {
  try {
    const st = await stat(path, { bigint: true });
    const text = await readFile(path, "utf8");
    const m = /^\s*(\d+)(?: ([0-9a-f]{1,64}))?\s*$/.exec(text);
    const pid = m ? Number.parseInt(m[1] as string, 10) : Number.NaN;
    return {
      ino: st.ino,
      dev: st.dev,
      ageMs: Date.now() - Number(st.mtimeMs),
      pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined,
      nonce: m?.[2],
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

/**
 * Written after the pid in every lock file of this process. A lock with OUR pid but not our nonce was left by an
 * earlier process that had the same pid (a container restarted after a kill: fetch is pid 1 again): stale.
 */
const NONCE = randomBytes(8).toString("hex");
const CONTENT = `${process.pid} ${NONCE}\n`;

/** Is the lock's owner running? (An empty or unparsable lock counts as running while it is young.) */
function ownerAlive(info: LockInfo): boolean {
  if (info.pid === undefined) return info.ageMs < YOUNG_UNPARSABLE_MS;
  if (info.pid === process.pid) return info.nonce === NONCE;
  return alive(info.pid);
}

function held(path: string, pid: number | undefined, cause?: unknown): never {
  const who = pid === undefined ? "another process" : `pid ${pid}`;
  throw storeError(`Another xoauth-mail fetch (${who}) is running for this account (lock ${path})`, cause, {
    path,
    pid: pid === undefined ? "" : String(pid),
  });
}

/** Creates `target` with O_EXCL holding our pid (one write, fsync); EEXIST when it exists. A failed write removes it. */
async function createExclusive(target: string, ops: Ops): Promise<FileId> {
  const handle = await ops.open(target, "wx", 0o600);
  let id: FileId | undefined;
  let closed = false;
  try {
    const st = await handle.stat({ bigint: true });
    id = { ino: st.ino, dev: st.dev };
    const data = Buffer.from(CONTENT);
    const { bytesWritten } = await handle.write(data, 0, data.length, 0);
    if (bytesWritten !== data.length) throw new Error(`Short write (${bytesWritten} of ${data.length} bytes)`);
    await handle.sync().catch((err: unknown) => {
      if (!NO_FSYNC.has(code(err) ?? "")) throw err;
    });
    closed = true;
    await handle.close();
    return id;
  } catch (err) {
    if (!closed) await handle.close().catch(() => undefined);
    if (id && (await sameFile(target, id.ino, id.dev))) await unlink(target).catch(() => undefined);
    throw err;
  }
}

/**
 * Puts a file holding our pid at `target`: link(2) of our pid file `mine` (identity `own`) or, where the file
 * system has no hard links, an O_EXCL create of `target`. Returns the identity of the file now at `target`.
 * Throws the file system error: EEXIST when `target` is held.
 */
async function place(mine: string, own: FileId, target: string, ops: Ops): Promise<FileId> {
  try {
    await ops.link(mine, target);
    return own;
  } catch (err) {
    if (!NO_HARD_LINKS.has(code(err) ?? "")) throw err;
  }
  return createExclusive(target, ops);
}

/** Moves `path` aside if it is still the file `judged` (same inode); a different file found there is put back. */
async function moveAside(path: string, judged: LockInfo, ops: Ops): Promise<void> {
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if (code(err) === "ENOENT") return; // another racer moved it first
    throw storeError(`Cannot remove stale lock ${path}`, err, { path });
  }
  if (!(await sameFile(aside, judged.ino, judged.dev))) {
    // Without hard links, rename it back (keeps its inode; like link, it races only with a guard made just now).
    await ops.link(aside, path).catch((err: unknown) => {
      if (NO_HARD_LINKS.has(code(err) ?? "")) return rename(aside, path).catch(() => undefined);
    });
  }
  await unlink(aside).catch(() => undefined);
}

/**
 * Removes the stale lock `stale` while holding `<lock>.takeover` (linked from our pid file `mine`): only the
 * takeover holder removes locks and acquirers only link, so the file it re-checks is the file it removes.
 * A live takeover holder means another run is taking the lock right now: held.
 */
async function removeStale(path: string, stale: LockInfo, mine: string, own: FileId, ops: Ops): Promise<void> {
  const guard = `${path}.takeover`;
  let ours: FileId;
  try {
    ours = await place(mine, own, guard, ops);
  } catch (err) {
    if (code(err) !== "EEXIST") throw storeError(`Cannot take over lock ${path}`, err, { path });
    const other = await inspect(guard);
    if (other === undefined) return;
    if (ownerAlive(other)) held(path, other.pid, err);
    await moveAside(guard, other, ops); // its holder died during a takeover (a window of milliseconds)
    return;
  }
  try {
    const now = await inspect(path);
    // Judged again under the guard: since `stale` was read, a live run may have taken the lock in a new file that
    // reuses the inode (file systems reuse freed inode numbers at once), so the same inode alone proves nothing.
    const stillStale = now && !ownerAlive(now);
    if (now && stillStale && now.ino === stale.ino && now.dev === stale.dev && now.pid === stale.pid) {
      await unlink(path).catch(() => undefined);
    }
  } finally {
    if (await sameFile(guard, ours.ino, ours.dev)) await unlink(guard).catch(() => undefined);
  }
}

/**
 * Takes the lock or throws STORE_ERROR naming the pid that holds it. Returns the release function.
 * `ops` replaces file operations in tests only.
 */
export async function acquireLock(path: string, ops: LockOps = {}): Promise<() => Promise<void>> {
  const fsOps: Ops = { link: ops.link ?? link, open: ops.open ?? open };
  const mine = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    await writeFile(mine, CONTENT, { flag: "wx", mode: 0o600 });
  } catch (err) {
    throw storeError(`Cannot create lock ${path}`, err, { path });
  }
  try {
    const st = await stat(mine, { bigint: true });
    const own: FileId = { ino: st.ino, dev: st.dev };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      let ours: FileId;
      try {
        ours = await place(mine, own, path, fsOps);
      } catch (err) {
        if (code(err) !== "EEXIST") throw storeError(`Cannot create lock ${path}`, err, { path });
        const other = await inspect(path);
        if (other === undefined) continue; // released meanwhile
        if (ownerAlive(other)) held(path, other.pid, err);
        await removeStale(path, other, mine, own, fsOps);
        continue;
      }
      // Confirm: the lock is our file with our pid (a racer's stale takeover could have moved it).
      const now = await inspect(path);
      if (now && now.ino === ours.ino && now.dev === ours.dev && now.pid === process.pid) {
        return async () => {
          if (await sameFile(path, ours.ino, ours.dev)) await unlink(path).catch(() => undefined);
        };
      }
      if (now !== undefined) held(path, now.pid);
    }
    throw storeError(`Cannot take lock ${path}`, undefined, { path });
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}
