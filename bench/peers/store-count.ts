/** Counting what a peer delivered (so a silently failing peer can never look fast). */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export function countFiles(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith(".")).length : 0;
}

export function countMaildir(maildir: string): number {
  return countFiles(join(maildir, "new")) + countFiles(join(maildir, "cur"));
}
