/**
 * The few file-system operations whose ORDER makes delivery durable, behind an interface so tests can record the
 * order (fsync file -> rename -> fsync directory) and inject failures. Production code uses {@link nodeStoreFs}.
 */
import {
  close,
  closeSync,
  constants,
  fchmod,
  fsync,
  fsyncSync,
  open,
  openSync,
  renameSync,
  writev,
  writevSync,
} from "node:fs";
import { mkdir, rename, statfs, unlink } from "node:fs/promises";
import { promisify } from "node:util";

/**
 * File-descriptor calls of Node's callback API, promisified, for the calls that go to the thread pool (all of a
 * delivery's except on tmpfs, see {@link ShortCalls}). Through fs/promises' FileHandle each call makes a promise-based
 * request object and the handle a GC finalizer, which was 40-50 us of main-thread CPU per message (800 small
 * messages: ~40 ms of a 0.55 s fetch).
 * Every fd opened here is closed by its owner on every path (Delivery.commit/abort, writeFileAtomic).
 */
export const fd = {
  open: promisify(open) as (path: string, flags: number, mode: number) => Promise<number>,
  writev: promisify(writev),
  fsync: promisify(fsync) as (fd: number) => Promise<void>,
  close: promisify(close) as (fd: number) => Promise<void>,
  fchmod: promisify(fchmod) as (fd: number, mode: number) => Promise<void>,
};

export interface StoreFs {
  /** fsync(2) an open file descriptor: its data and size reach the disk. */
  fsyncFile(fd: number, path: string): Promise<void>;
  /** fsync(2) a directory: the names created/renamed in it reach the disk. */
  fsyncDir(dir: string): Promise<void>;
  /** rename(2): atomic replace within one file system. */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** Directory fsync is not possible on every platform (Windows: EPERM/EISDIR); those are ignored, others thrown. */
const DIR_FSYNC_UNSUPPORTED = new Set(["EISDIR", "EPERM", "EINVAL", "ENOTSUP", "EBADF"]);

export const nodeStoreFs: StoreFs = {
  fsyncFile: (n) => fd.fsync(n),
  async fsyncDir(dir) {
    let n: number | undefined;
    try {
      n = await fd.open(dir, constants.O_RDONLY, 0);
      await fd.fsync(n);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "";
      if (!(process.platform === "win32" || DIR_FSYNC_UNSUPPORTED.has(code))) throw err;
    } finally {
      if (n !== undefined) await fd.close(n);
    }
  },
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
};

/** writev(2) until every byte is written (writev may write fewer bytes than asked; go on from where it stopped). */
export async function writeFully(file: number, chunks: readonly Uint8Array[]): Promise<void> {
  let pending = chunks.filter((c) => c.length > 0);
  while (pending.length > 0) pending = unwritten(pending, (await fd.writev(file, pending)).bytesWritten);
}

/** {@link writeFully} on the calling thread. */
function writeFullySync(file: number, chunks: readonly Uint8Array[]): void {
  let pending = chunks.filter((c) => c.length > 0);
  while (pending.length > 0) pending = unwritten(pending, writevSync(file, pending));
}

/** What is left of `chunks` after a writev(2) wrote `written` bytes of them. */
function unwritten(chunks: readonly Uint8Array[], written: number): Uint8Array[] {
  let skip = written;
  const rest: Uint8Array[] = [];
  for (const c of chunks) {
    if (skip >= c.length) skip -= c.length;
    else {
      rest.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
  }
  return rest;
}

/** A synchronous call taking longer than this counts as slow. */
const SLOW_MS = 0.2;
/** More slow calls than this among the last 16 of a kind send that kind to the thread pool. */
const SLOW_OF_LAST = 4;
/** One call taking longer than this does too. */
const STALL_MS = 8;

export type CallKind = "open" | "write" | "fsync" | "close" | "rename";

const ALL_KINDS: readonly CallKind[] = ["open", "write", "fsync", "close", "rename"];

/** statfs(2) f_type of file systems held in memory (Linux magic numbers, linux/magic.h): every call returns at once. */
const MEMORY_FS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */]);

/**
 * Whether a directory is on tmpfs or ramfs, where a delivery's file calls start on the main thread; elsewhere they
 * stay on the thread pool.
 * - A disk: on this bench machine's ext4 (no journal) creating a file takes 0.4-0.7 ms, and with the calls on the
 *   main thread a 50 ms RTT fetch right after thousands of files were deleted took 0.61 s against 0.55 s with the
 *   thread pool (medians of 5); on a settled disk they were even. So a disk keeps the thread pool.
 * - NFS, SMB, FUSE, other platforms (IBM i, macOS, Windows) and anything statfs cannot tell: a synchronous call is
 *   timed only after it returns, and one that hangs on a network file system would freeze the process, its timers
 *   and its signal handlers.
 */
export async function onMemoryFileSystem(dir: string): Promise<boolean> {
  if (process.platform !== "linux") return false;
  try {
    return MEMORY_FS.has((await statfs(dir)).type);
  } catch {
    return false; // cannot tell: the thread pool
  }
}

/**
 * A delivery's file calls (open, writev, fsync, close, rename) on the main thread while the storage answers them at
 * once, each kind on the thread pool from the first signs that it does not.
 *
 * Why: each call given to the thread pool wakes a worker thread, and on a machine with few cores (shared with the mail
 * server) that wake-up often takes the main thread's core: 800 small messages made 4,000 such hand-offs and 3,500
 * context switches, 50-100 us of stalled main thread each. On tmpfs the calls take 1-30 us, fsync included.
 *
 * Which kinds start on the main thread depends on the file system ({@link onMemoryFileSystem}: all on tmpfs, none
 * on a disk or network storage). Each call there is timed, per kind: when more than {@link SLOW_OF_LAST} of the last
 * 16 took over {@link SLOW_MS}, or one took over {@link STALL_MS}, that kind moves to the thread pool for good, where
 * it runs while the next messages download (a tmpfs under memory pressure, swapping). Errors are the same errno
 * errors as the asynchronous calls give.
 */
export class ShortCalls {
  /** Per kind: a bit per recent call, 1 = slow; undefined once the kind runs on the thread pool. */
  private readonly recent = new Map<CallKind, number | undefined>();

  /** `onMainThread` false: every call on the thread pool from the start. `clock` (ms) is for tests. */
  constructor(
    onMainThread = true,
    private readonly clock: () => number = () => performance.now(),
  ) {
    for (const kind of ALL_KINDS) this.recent.set(kind, onMainThread ? 0 : undefined);
  }

  /** The kinds of call still made on the main thread. */
  get onMainThread(): CallKind[] {
    return [...this.recent].filter(([, bits]) => bits !== undefined).map(([kind]) => kind);
  }

  open(path: string, flags: number, mode: number): Promise<number> {
    return this.run(
      "open",
      () => openSync(path, flags, mode),
      () => fd.open(path, flags, mode),
    );
  }

  writeFully(file: number, chunks: readonly Uint8Array[]): Promise<void> {
    return this.run(
      "write",
      () => writeFullySync(file, chunks),
      () => writeFully(file, chunks),
    );
  }

  /** fsync(2); `viaPool` is the StoreFs call used once fsyncs run on the thread pool. */
  fsync(file: number, viaPool: (file: number) => Promise<void>): Promise<void> {
    return this.run(
      "fsync",
      () => fsyncSync(file),
      () => viaPool(file),
    );
  }

  close(file: number): Promise<void> {
    return this.run(
      "close",
      () => closeSync(file),
      () => fd.close(file),
    );
  }

  /** rename(2); `viaPool` is the StoreFs call used once renames run on the thread pool. */
  rename(from: string, to: string, viaPool: (from: string, to: string) => Promise<void>): Promise<void> {
    return this.run(
      "rename",
      () => renameSync(from, to),
      () => viaPool(from, to),
    );
  }

  private run<T>(kind: CallKind, now: () => T, pooled: () => Promise<T>): Promise<T> {
    const bits = this.recent.get(kind);
    if (bits === undefined) return pooled();
    const start = this.clock();
    try {
      return Promise.resolve(now());
    } catch (err) {
      return Promise.reject(err);
    } finally {
      const ms = this.clock() - start;
      const next = ((bits << 1) | (ms > SLOW_MS ? 1 : 0)) & 0xffff;
      this.recent.set(kind, ms > STALL_MS || popcount(next) > SLOW_OF_LAST ? undefined : next);
    }
  }
}

function popcount(n: number): number {
  let c = 0;
  for (let v = n; v !== 0; v &= v - 1) c++;
  return c;
}

/**
 * `mkdir -p`. Node's recursive mkdir reports ENOENT when the last directory cannot be created for another reason
 * (read-only file system, no permission: seen with Node 20 on a tmpfs remounted ro), which would send the user
 * looking for a missing directory; a plain mkdir of that last one then gives the real errno to throw.
 */
export async function makeDirs(path: string, mode = 0o700): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    await mkdir(path, { mode }).catch((real: NodeJS.ErrnoException) => {
      throw real.code === "ENOENT" || real.code === "EEXIST" ? err : real;
    });
    throw err;
  }
}
