/**
 * What the disk alone costs (issue #16, bulk): the bulk mailbox's message files written and fsynced one by one into a
 * fresh directory (4 in flight, as xoauth-mail's commits run on libuv's 4 threads), renamed, and the directory
 * fsynced once per 64 files — the Maildir work of a fetch without the network, the protocol or the state file.
 */
import { constants, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { fd, nodeStoreFs, writeFully } from "../src/store/fsops.js";
import { dropDir } from "./env.js";

/** Sizes of the files of a Dovecot Maildir (new/ and cur/), largest first is not needed: in listing order. */
export function maildirFiles(maildir: string): string[] {
  return ["new", "cur"].flatMap((sub) => {
    const dir = join(maildir, sub);
    return readdirSync(dir)
      .map((n) => join(dir, n))
      .filter((f) => statSync(f).isFile());
  });
}

/** Milliseconds to deliver `files` (their bytes read beforehand) durably into `dir`. */
export async function diskOnlyMs(files: string[], dir: string): Promise<number> {
  const bodies = await Promise.all(files.map((f) => readFile(f)));
  await mkdir(join(dir, "tmp"), { recursive: true });
  await mkdir(join(dir, "new"), { recursive: true });
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const tmp = join(dir, "tmp", String(i));
      // The calls Delivery.commit makes (src/store/maildir.ts): file descriptors, not FileHandles.
      const file = await fd.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      await writeFully(file, [bodies[i] as Buffer]);
      await fd.fsync(file);
      await fd.close(file);
      await rename(tmp, join(dir, "new", String(i)));
      if (i % 64 === 63) await nodeStoreFs.fsyncDir(join(dir, "new"));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await nodeStoreFs.fsyncDir(join(dir, "new"));
  const ms = performance.now() - t0;
  dropDir(dir);
  return ms;
}
