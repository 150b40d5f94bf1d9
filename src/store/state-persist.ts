/** Disk side of StateStore: reading and atomically writing the state file, and crash recovery of the Maildir. */
import { readdir, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic.js";
import type { StoreFs } from "./fsops.js";
import { type Maildir, storeError } from "./maildir.js";
import { hashOfFileName } from "./names.js";
import { parseStateFile, type StateFile } from "./state-file.js";

export interface RecoveryReport {
  /** Our tmp/ files from an interrupted earlier run that were removed (never acknowledged; fetched again). */
  tmpRemoved: string[];
}

/** The parsed state file, or undefined when there is none yet. A damaged file is an error, never silently reset. */
export async function readStateFile(path: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw storeError(`Cannot read state file ${path}`, err, { path });
  }
  try {
    return parseStateFile(JSON.parse(text));
  } catch (err) {
    throw storeError(`State file ${path} is damaged; move it away to start over`, err, { path });
  }
}

/** Writes the state atomically (tmp + fsync + rename + dir fsync). */
export async function writeStateFile(path: string, file: StateFile, fs: StoreFs): Promise<void> {
  try {
    await writeFileAtomic(path, JSON.stringify(file), fs);
  } catch (err) {
    throw storeError(`Cannot write state file ${path}: ${(err as Error).message}`, err, { path });
  }
}

/**
 * Crash recovery: removes OUR tmp/ files older than `loadedAt` (a crash before rename: never acknowledged, will be
 * fetched again), then fsyncs new/ once: a file renamed into new/ just before a crash may not be durable yet, and it
 * is about to be recorded as delivered (which allows DELE / EXPUNGE).
 */
export async function recoverMaildir(maildir: Maildir, loadedAt: number): Promise<RecoveryReport> {
  const tmpDir = join(maildir.dir, "tmp");
  const tmpRemoved: string[] = [];
  const names = await readdir(tmpDir).catch((err: unknown) => {
    throw storeError(`Cannot read ${tmpDir}`, err, { path: tmpDir });
  });
  for (const name of names) {
    if (hashOfFileName(name) === undefined) continue; // another program's file: not ours to touch
    const path = join(tmpDir, name);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile() || st.mtimeMs >= loadedAt) continue;
    await unlink(path).catch(() => undefined);
    tmpRemoved.push(name);
  }
  await maildir.syncNew();
  return { tmpRemoved };
}
