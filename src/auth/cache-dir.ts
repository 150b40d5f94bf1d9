/**
 * Where and how xoauth-mail keeps what it caches for the user (tokens; the one-file bundle's compiled code), with
 * no imports but Node's (and src/read-fd.ts), so the bundle's small launcher can use it without loading the rest.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { readAtMost } from "../read-fd.js";

/** $XOAUTH_MAIL_CACHE_DIR, else $XDG_CACHE_HOME/xoauth-mail, else ~/.cache/xoauth-mail. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XOAUTH_MAIL_CACHE_DIR) return env.XOAUTH_MAIL_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return join(base, "xoauth-mail");
}

const ownUid = (): number | undefined => (typeof process.getuid === "function" ? process.getuid() : undefined);

/** What keeps a path from being a private directory of the user's. */
export type DirProblem = "missing" | "not-directory" | "other-owner" | "others-write";

/**
 * Why `path` is not a directory of the user's that no one else can write, with its mode bits, or undefined when it is
 * one. `follow`: a symlink counts as what it points to; otherwise a symlink is "not-directory".
 */
export function dirProblem(path: string, follow: boolean): { problem: DirProblem; mode: number } | undefined {
  let st: Stats;
  try {
    st = follow ? statSync(path) : lstatSync(path);
  } catch {
    return { problem: "missing", mode: 0 };
  }
  const mode = st.mode & 0o7777;
  const uid = ownUid();
  if (!st.isDirectory()) return { problem: "not-directory", mode };
  if (uid !== undefined && st.uid !== uid) return { problem: "other-owner", mode };
  if ((st.mode & 0o022) !== 0) return { problem: "others-write", mode };
  return undefined;
}

/** A directory of the user's that no one else can write, and not a symlink. */
export const isPrivateDir = (path: string): boolean => dirProblem(path, false) === undefined;

/** Why a cache directory is not used: not a directory, another user's, or writable by group or others. */
export interface CacheDirRefusal {
  dir: string;
  problem: Exclude<DirProblem, "missing">;
  /** Its mode bits (e.g. 0o777). */
  mode: number;
}

/**
 * Why `dir` must not hold a cache, or undefined when it may (also when it does not exist yet: it is then made 0700).
 * A symlink is followed (a cache dir the user names may be one). Others who can write the directory can remove,
 * rename or plant entries in it, so such a directory is refused, not repaired: what is in it stays suspect. Windows
 * reports no owner and no real mode bits (its ACLs decide), so there nothing is checked.
 */
export function cacheDirRefusal(
  dir: string,
  platform: NodeJS.Platform = process.platform,
): CacheDirRefusal | undefined {
  if (platform === "win32") return undefined;
  const p = dirProblem(dir, true);
  return p === undefined || p.problem === "missing" ? undefined : { dir, problem: p.problem, mode: p.mode };
}

/**
 * A cache file's bytes, or undefined unless it is a regular file of the user's that no one else can read or write
 * (0600; on Windows, where modes mean nothing, any mode), with one link, of 1..max bytes. Opened without following a
 * symlink and checked on the open descriptor, which is then read: no file can be swapped in between the check and the
 * read.
 */
export function readCacheFile(
  path: string,
  max: number,
  platform: NodeJS.Platform = process.platform,
): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    const uid = ownUid();
    // Windows reports 0666 or 0444 whatever its ACLs say: no mode to check there (nor an owner: uid is undefined).
    const othersMay = platform !== "win32" && (st.mode & 0o077) !== 0;
    if (!st.isFile() || st.nlink !== 1 || othersMay || (uid !== undefined && st.uid !== uid)) {
      return undefined;
    }
    if (st.size === 0 || st.size > max) return undefined;
    const bytes = readAtMost(fd, st.size, max);
    return bytes.length === st.size ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes a cache file the way readCacheFile accepts it: a new 0600 file under a name no other process uses (`wx`
 * refuses an existing one; no node:crypto, which costs ~3 ms to load), renamed over `path`. False, and nothing left
 * behind, when that fails.
 */
export function writeCacheFile(path: string, data: string | Uint8Array): boolean {
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
    renameSync(tmp, path);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}
