/**
 * One fetch per account at a time: two concurrent runs would both download the same new message and deliver it
 * twice. `<state>.lock` is created with O_EXCL and holds the owner's pid; a lock whose pid is gone is stale and taken.
 */
import { open, readFile, unlink } from "node:fs/promises";
import { storeError } from "./maildir.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock or throws STORE_ERROR naming the pid that holds it. Returns the release function. */
export async function acquireLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, "wx", 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw storeError(`Cannot create lock ${path}`, err);
      const pid = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw storeError(`Another xoauth-mail fetch (pid ${pid}) is running for this account (lock ${path})`, err, {
          path,
          pid: String(pid),
        });
      }
      await unlink(path).catch(() => undefined); // stale: its owner is gone
    }
  }
  throw storeError(`Cannot take lock ${path}`);
}
