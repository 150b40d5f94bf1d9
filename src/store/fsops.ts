/**
 * The few file-system operations whose ORDER makes delivery durable, behind an interface so tests can record the
 * order (fsync file -> rename -> fsync directory) and inject failures. Production code uses {@link nodeStoreFs}.
 */
import { close, constants, fchmod, fsync, open, writev } from "node:fs";
import { mkdir, rename, unlink } from "node:fs/promises";
import { promisify } from "node:util";

/**
 * File-descriptor calls of Node's callback API, promisified. A message costs five of them (open, writev, fsync,
 * close, rename); through fs/promises' FileHandle each one makes a promise-based request object and the handle a GC
 * finalizer, which was 40-50 us of main-thread CPU per message (800 small messages: ~40 ms of a 0.55 s fetch).
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
  while (pending.length > 0) {
    let skip = (await fd.writev(file, pending)).bytesWritten;
    const rest: Uint8Array[] = [];
    for (const c of pending) {
      if (skip >= c.length) skip -= c.length;
      else {
        rest.push(skip > 0 ? c.subarray(skip) : c);
        skip = 0;
      }
    }
    pending = rest;
  }
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
