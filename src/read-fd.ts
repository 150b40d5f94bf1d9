/** Reading a file through its open descriptor (so the stat checked is the file read); no imports but Node's. */
import { readSync } from "node:fs";

/**
 * The bytes of the open file `fd`, read to its end but never more than `max` + 1 (one more than allowed shows the
 * file is larger). `size` (from fstat) sizes the buffer; a file that grew since is read on up to that bound.
 */
export function readAtMost(fd: number, size: number, max: number): Buffer {
  const buf = Buffer.alloc(Math.min(size, max) + 1);
  let n = 0;
  for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
  return buf.subarray(0, n);
}
