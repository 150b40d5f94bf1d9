/**
 * V8 settings of the CLI process, made before the CLI's code is loaded (bin/xoauth-mail.js and the one-file
 * bundle's launcher). Only the CLI does this: as a library we leave the host's V8 alone. A setting the user gives
 * (NODE_OPTIONS or node's command line) wins over ours.
 */
import { setFlagsFromString } from "node:v8";

/**
 * Memory: V8 doubles its young generation (up to 2 x 16 MB semi-spaces) whenever a scavenge keeps much alive, which
 * module loading always does; the grown space then stays for the whole run and each streamed message chunk is
 * garbage that waits in it. Keeping the initial 1 MB semi-spaces is what holds `fetch` of a 100 MB message under
 * 80 MB RSS (POP3 94 -> 71 MB, see bench/memory-100mb.ts and docs/benchmarks.md); the extra scavenges cost no
 * measurable time.
 */
const SEMI_SPACES = { pattern: /semi[-_]space/, flag: "--semi-space-growth-factor=1" };

/**
 * CPU: V8 hands a function to its optimizing compiler (TurboFan, on a background thread) once it has run through
 * its interrupt budget (66 KB of bytecode by default) a few times. Most runs of the CLI last half a second, and in
 * one that fetches 800 small messages TurboFan then took 23% of the process's CPU (perf), optimizing some 60
 * functions (module set-up among them) whose faster code had little time left to pay that back; on 2 cores that
 * thread competes with the TLS, the disk and the mail server. With 4 times the budget it optimized about 15 and took
 * 2%: 800 messages over POP3 used 0.41 instead of 0.49 s of CPU (tmpfs, medians of 11), wall time 0.40 against 0.43
 * s; longer runs still optimize what stays hot (docs/benchmarks.md). Only on Node 20, where it was measured: the V8 of
 * later Nodes tiers up through Maglev first and has another default budget (132 KB), and a flag some later V8 might
 * drop would print "unrecognized flag" on every run.
 */
const INTERRUPT_BUDGET = {
  pattern: /interrupt[-_]budget/,
  flag: `--interrupt-budget=${4 * 66 * 1024}`,
  nodeMajors: [20],
};

/**
 * The CLI's V8 flags for this Node major version that the user's NODE_OPTIONS and node command line (`execArgv`)
 * leave to us.
 */
export function cliV8Flags(nodeOptions: string, execArgv: readonly string[], nodeMajor: number): string[] {
  const settings: { pattern: RegExp; flag: string; nodeMajors?: number[] }[] = [SEMI_SPACES, INTERRUPT_BUDGET];
  return settings
    .filter(({ nodeMajors }) => nodeMajors === undefined || nodeMajors.includes(nodeMajor))
    .filter(({ pattern }) => !pattern.test(nodeOptions) && !execArgv.some((a) => pattern.test(a)))
    .map(({ flag }) => flag);
}

/** Applies {@link cliV8Flags} to this process. */
export function tuneV8ForCli(): void {
  const major = Number(process.versions.node.split(".")[0]);
  for (const flag of cliV8Flags(process.env.NODE_OPTIONS ?? "", process.execArgv, major)) setFlagsFromString(flag);
}
