/**
 * Peak memory of `xoauth-mail fetch` for one 100 MB message (target: <= 80 MB RSS), over POP3 and IMAP against real
 * Dovecot. Samples /proc/<pid>/status VmHWM (peak RSS) of the built CLI every 20 ms. Run after `npx tsc`:
 *   node dist/bench/memory-100mb.js
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deliveredHashes, MAILBOX, sha256, startFetchEnv } from "../test/fetch/env.js";
import { asServed, bigAttachmentMessage } from "../test/fetch/messages.js";
import { CLI_BIN, REPO_ROOT } from "../test/helpers/cli.js";

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
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      ...(process.env.MEM_NODE_OPTIONS ? { NODE_OPTIONS: process.env.MEM_NODE_OPTIONS } : {}),
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

const env = await startFetchEnv();
try {
  const msg = bigAttachmentMessage(Number(process.env.MEM_ATTACH_MB ?? 75) * 1024 * 1024); // ~100 MB once base64-encoded
  await env.dc.deliver(MAILBOX, msg);
  console.log(`message: ${(msg.length / 1024 / 1024).toFixed(1)} MB`);
  // Baselines: what loading the command costs (`fetch --help`) and a token request (`token` is a password command).
  const auth = env.args("pop3", join(env.dir, "unused")).slice(1, 11);
  const cache = { XOAUTH_MAIL_CACHE_DIR: join(env.dir, "token-cache") };
  for (const [label, args] of [
    ["fetch --help", ["fetch", "--help"]],
    ["token", ["token", ...auth, "--no-cache"]],
  ] as const) {
    const r = await measure([...args], cache);
    console.log(`${label}: peak RSS (VmHWM) ${r.peakMb.toFixed(1)} MB, ${r.ms} ms, exit ${r.code}`);
  }
  for (const protocol of ["pop3", "imap"] as const) {
    const md = join(env.dir, `md-${protocol}`);
    const r = await measure(env.args(protocol, md, ["--json"]), { XOAUTH_MAIL_CACHE_DIR: join(env.dir, "cache") });
    const [h] = deliveredHashes(md);
    const exact = h === sha256(asServed(msg));
    console.log(
      `${protocol}: peak RSS (VmHWM) ${r.peakMb.toFixed(1)} MB, ${r.ms} ms, exit ${r.code}, byte-exact ${exact}` +
        `${r.peakMb <= 80 ? "" : "  ** above the 80 MB target **"}`,
    );
  }
} finally {
  await env.stop();
}
