/**
 * What the disk alone costs (issue #16, bulk): the bulk mailbox's message files written and fsynced one by one into a
 * fresh directory (4 in flight, as xoauth-mail's commits run on libuv's 4 threads), renamed, and the directory
 * fsynced once per 64 files — the Maildir work of a fetch without the network, the protocol or the state file.
 */
import { readdirSync, statSync } from "node:fs";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
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

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  await fh.sync();
  await fh.close();
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
      const fh = await open(tmp, "wx", 0o600);
      await fh.writeFile(bodies[i] as Buffer);
      await fh.sync();
      await fh.close();
      await rename(tmp, join(dir, "new", String(i)));
      if (i % 64 === 63) await fsyncDir(join(dir, "new"));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await fsyncDir(join(dir, "new"));
  const ms = performance.now() - t0;
  dropDir(dir);
  return ms;
}
