/**
 * Peak memory of `xoauth-mail fetch` for one 100 MB message (target: <= 80 MB RSS), over POP3 and IMAP against real
 * Dovecot. Samples /proc/<pid>/status VmHWM (peak RSS) of the built CLI every 20 ms. Run after `npm run build:all`:
 *   node dist/bench/memory-100mb.js            (bin/xoauth-mail.js: the bundle)
 *   MEM_ENTRY=modules node dist/bench/memory-100mb.js   (the CLI from its modules in dist/src)
 *   MALLOC_MMAP_THRESHOLD_=131072 node dist/bench/memory-100mb.js   (MALLOC_* variables are passed to the CLI)
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_BIN, CLI_MODULES, REPO_ROOT } from "../test/harness/cli.js";
import { deliveredHashes, MAILBOX, sha256, startFetchEnv } from "../test/harness/fetch-env.js";
import { asServed, bigAttachmentMessage } from "../test/harness/messages.js";

function peakKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function measure(
  args: string[],
  env: Record<string, string>,
): Promise<{ peakMb: number; ms: number; code: number }> {
  const t = Date.now();
  const child = spawn(process.execPath, [process.env.MEM_ENTRY === "modules" ? CLI_MODULES : CLI_BIN, ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      ...(process.env.MEM_NODE_OPTIONS ? { NODE_OPTIONS: process.env.MEM_NODE_OPTIONS } : {}),
      // glibc malloc tuning (e.g. MALLOC_MMAP_THRESHOLD_=131072, see docs/benchmarks.md) reaches the CLI as it is.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("MALLOC_"))),
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  let peak = 0;
  const timer = setInterval(() => {
    if (child.pid) peak = Math.max(peak, peakKb(child.pid));
  }, 20);
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  clearInterval(timer);
  return { peakMb: peak / 1024, ms: Date.now() - t, code };
}

/** min / median / max of a few runs: single runs here swing by +-3 MB (allocator and GC timing). */
function spread(xs: number[]): string {
  const v = [...xs].sort((a, b) => a - b);
  const f = (x: number | undefined) => (x ?? 0).toFixed(1);
  return v.length === 1 ? `${f(v[0])} MB` : `${f(v[Math.floor(v.length / 2)])} MB (min ${f(v[0])}, max ${f(v.at(-1))})`;
}

const ROUNDS = Math.max(1, Number(process.env.MEM_ROUNDS ?? 3));
const env = await startFetchEnv();
let worst = 0;
try {
  const msg = bigAttachmentMessage(Number(process.env.MEM_ATTACH_MB ?? 75) * 1024 * 1024); // ~100 MB once base64-encoded
  const expected = sha256(asServed(msg));
  await env.dc.deliver(MAILBOX, msg); // fetched without --delete: every run below downloads this one message
  console.log(`message: ${(msg.length / 1024 / 1024).toFixed(1)} MB, ${ROUNDS} rounds each, peak RSS = VmHWM`);
  // Baselines: what loading the command costs (`fetch --help`) and a token request (`token` is a password command).
  const auth = env.args("pop3", join(env.dir, "unused")).slice(1, 11);
  for (const [label, args] of [
    ["fetch --help", ["fetch", "--help"]],
    ["token (request, no cache)", ["token", ...auth, "--no-cache"]],
  ] as const) {
    const peaks: number[] = [];
    for (let i = 0; i < ROUNDS; i++) peaks.push((await measure([...args], {})).peakMb);
    console.log(`${label}: ${spread(peaks)}`);
  }
  // "cold": the run requests its token (msal-node is loaded); "warm": the token comes from the disk cache.
  for (const protocol of ["pop3", "imap"] as const) {
    for (const cache of ["cold", "warm"] as const) {
      const peaks: number[] = [];
      const times: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const md = join(env.dir, `md-${protocol}-${cache}-${i}`);
        const cacheDir = join(env.dir, cache === "cold" ? `cache-cold-${protocol}-${i}` : "cache-warm");
        if (cache === "warm" && i === 0) await measure(["token", ...auth], { XOAUTH_MAIL_CACHE_DIR: cacheDir });
        const r = await measure(env.args(protocol, md, ["--json"]), { XOAUTH_MAIL_CACHE_DIR: cacheDir });
        const hashes = deliveredHashes(md);
        if (r.code !== 0 || hashes.length !== 1 || hashes[0] !== expected) {
          throw new Error(
            `${protocol} ${cache}: exit ${r.code}, ${hashes.length} messages, byte-exact ${hashes[0] === expected}`,
          );
        }
        peaks.push(r.peakMb);
        times.push(r.ms);
      }
      worst = Math.max(worst, ...peaks);
      const over = Math.max(...peaks) > 80 ? "  ** above the 80 MB target **" : "";
      console.log(
        `${protocol} ${cache}: peak RSS ${spread(peaks)}, ${Math.round(times.reduce((a, b) => a + b) / times.length)} ms, byte-exact${over}`,
      );
    }
  }
  console.log(`worst peak: ${worst.toFixed(1)} MB (target <= 80 MB)`);
} finally {
  await env.stop();
}
