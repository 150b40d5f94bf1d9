/**
 * V8 settings of the CLI process, made before the CLI's code is loaded (bin/xoauth-mail.js and the one-file
 * bundle's launcher). Only the CLI does this: as a library we leave the host's V8 alone.
 */
import { setFlagsFromString } from "node:v8";

/**
 * Memory: V8 doubles its young generation (up to 2 x 16 MB semi-spaces) whenever a scavenge keeps much alive, which
 * module loading always does; the grown space then stays for the whole run and each streamed message chunk is
 * garbage that waits in it. Keeping the initial 1 MB semi-spaces is what holds `fetch` of a 100 MB message under
 * 80 MB RSS (POP3 94 -> 71 MB, see bench/memory-100mb.ts and docs/benchmarks.md); the extra scavenges cost no
 * measurable time. An explicit --max-semi-space-size / --semi-space-growth-factor in NODE_OPTIONS or on node's
 * command line wins.
 */
export function keepInitialSemiSpaces(): void {
  if (/semi[-_]space/.test(process.env.NODE_OPTIONS ?? "")) return;
  if (process.execArgv.some((a) => /semi[-_]space/.test(a))) return;
  setFlagsFromString("--semi-space-growth-factor=1");
}
