/**
 * Durable whole-file replace: write `<path>.tmp` (0600) -> fsync -> rename over `<path>` -> fsync the directory.
 * After a crash the file is either the old or the new version, never a mix.
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { nodeStoreFs, type StoreFs } from "./fsops.js";

export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  fs: StoreFs = nodeStoreFs,
): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    await fh.chmod(0o600); // a leftover tmp from an older run may have other bits
    await fh.writeFile(data);
    await fs.fsyncFile(fh, tmp);
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, path);
  await fs.fsyncDir(dirname(path));
}
