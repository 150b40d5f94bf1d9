/** Test helpers for src/store: temp dirs and a recording StoreFs. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { nodeStoreFs, onMemoryFileSystem, type StoreFs } from "../../src/store/fsops.js";

export async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "xoauth-store-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A temp dir on tmpfs (/dev/shm), where a Maildir makes its file calls on the main thread; undefined where there is
 * none (the caller skips).
 */
export async function memoryTempDir(t: { after(fn: () => Promise<void>): void }): Promise<string | undefined> {
  if (!(await onMemoryFileSystem("/dev/shm"))) return undefined;
  const dir = await mkdtemp(join("/dev/shm", "xoauth-store-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Records "fsyncFile:<name>", "rename:<name>", "fsyncDir:<dir basename>"; `fail` makes one op throw. */
export function recordingFs(fail?: (op: string) => boolean): StoreFs & { calls: string[] } {
  const calls: string[] = [];
  const check = (op: string) => {
    calls.push(op);
    if (fail?.(op)) throw Object.assign(new Error(`injected failure: ${op}`), { code: "EIO" });
  };
  return {
    calls,
    async fsyncFile(fh: number, path: string) {
      check(`fsyncFile:${basename(path)}`);
      await nodeStoreFs.fsyncFile(fh, path);
    },
    async fsyncDir(dir: string) {
      check(`fsyncDir:${basename(dir)}`);
      await nodeStoreFs.fsyncDir(dir);
    },
    async rename(from: string, to: string) {
      check(`rename:${basename(from)}`);
      await nodeStoreFs.rename(from, to);
    },
    async unlink(path: string) {
      calls.push(`unlink:${basename(path)}`);
      await nodeStoreFs.unlink(path);
    },
  };
}
