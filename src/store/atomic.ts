/**
 * Durable whole-file replace: write `<path>.tmp` (0600) -> fsync -> rename over `<path>` -> fsync the directory.
 * After a crash the file is either the old or the new version, never a mix.
 */
import { constants } from "node:fs";
import { dirname } from "node:path";
import { fd, nodeStoreFs, type StoreFs, writeFully } from "./fsops.js";

export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  fs: StoreFs = nodeStoreFs,
): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await fd.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    await fd.fchmod(file, 0o600); // a leftover tmp from an older run may have other bits
    await writeFully(file, [typeof data === "string" ? Buffer.from(data) : data]);
    await fs.fsyncFile(file, tmp);
  } finally {
    await fd.close(file);
  }
  await fs.rename(tmp, path);
  await fs.fsyncDir(dirname(path));
}
