/**
 * Issue #16 item 2: small polls, whole process. 800 small messages (1-27 KB, ~10 MB) over TLS into a fresh Maildir,
 * `fetch --keep` (POP3 and IMAP), against a Python poplib loop that fsyncs every file; then `fetch` with nothing new
 * (the Maildir and state of an earlier run: one process start, one cached token read, one TLS login, a listing),
 * next to a bare `node -e 0` for the process start alone.
 */
import { join } from "node:path";
import { type BenchEnv, dropDir } from "../env.js";
import type { Options } from "../options.js";
import { poplibFsyncPeer } from "../peers/python.js";
import { runXoauth, xoauthPeer } from "../peers/xoauth.js";
import { mustSucceed, run } from "../proc.js";
import { machineNote } from "../startup-timing.js";
import { summarize, type Timing } from "../stats.js";
import type { PeerResult } from "./compare.js";
import { compareOnLoopback, diskRounds, targetsFor } from "./loopback.js";

/** Timed rounds of each peer in this section, whatever --rounds says (more when it says more). */
export const SMALL_ROUNDS = 9;

export interface SmallResult {
  rows: PeerResult[];
  /** `fetch` with nothing new per protocol, and `node -e 0`, timed in the same rounds. */
  idle: { pop3: Timing; imap: Timing; node: Timing };
  /** The disk alone: the 800 files written, fsynced and renamed as a fetch does. */
  disk: Timing;
  /** Node, the load average at the end and the time (a section can come from a run of its own: `--only small`). */
  measured?: string;
}

export async function smallScenario(
  env: BenchEnv,
  o: Options,
  box: { mailbox: string; messages: number },
  log: (s: string) => void,
): Promise<SmallResult> {
  // Runs of half a second on a shared disk: one slow round in three moved a median by 0.3 s (POP3 0.52-0.87 s in one
  // run), and with 5 rounds each the ratio still swung 0.58-0.71x between full runs as the machine's load changed
  // (peers interleaved, so the load hits all of them), so this section takes at least SMALL_ROUNDS (9: ~10 s more).
  const rounds = Math.max(o.rounds, SMALL_ROUNDS);
  log(`small: ${box.messages} small messages, ${rounds} round(s) per peer`);
  const targets = targetsFor(box, { pop3: env.dc.ports.pop3s, imap: env.dc.ports.imaps });
  const peers = [xoauthPeer("pop3"), xoauthPeer("imap"), poplibFsyncPeer()];
  const rows = await compareOnLoopback(env, { ...o, rounds }, box, peers, log);

  // Nothing new: a Maildir (and state) filled by one untimed run, then timed runs that find nothing to fetch.
  const filled = {
    pop3: join(env.freshDir("idle-pop3"), "Maildir"),
    imap: join(env.freshDir("idle-imap"), "Maildir"),
  };
  for (const p of ["pop3", "imap"] as const) mustSucceed(`fill (${p})`, await runXoauth(env, targets[p], filled[p]));
  const times = { pop3: [] as number[], imap: [] as number[], node: [] as number[] };
  for (let r = 1; r <= Math.max(3, o.rounds); r++) {
    times.node.push(mustSucceed("node -e 0", await run(process.execPath, ["-e", "0"])).ms);
    for (const p of ["pop3", "imap"] as const) {
      const res = mustSucceed(`fetch, nothing new (${p})`, await runXoauth(env, targets[p], filled[p]));
      const s = JSON.parse(res.stdout) as { fetched: number; skipped: number };
      if (s.fetched !== 0 || s.skipped !== box.messages)
        throw new Error(`fetch with nothing new (${p}): fetched ${s.fetched}, skipped ${s.skipped}`);
      times[p].push(res.ms);
    }
    log(
      `  round ${r}  nothing new: POP3 ${times.pop3.at(-1)?.toFixed(0)} ms, IMAP ${times.imap.at(-1)?.toFixed(0)} ms, node -e 0 ${times.node.at(-1)?.toFixed(0)} ms`,
    );
  }
  for (const p of ["pop3", "imap"] as const) dropDir(join(filled[p], ".."));
  const disk = await diskRounds(env, box.mailbox, o.rounds, log);
  return {
    rows,
    idle: { pop3: summarize(times.pop3), imap: summarize(times.imap), node: summarize(times.node) },
    disk,
    measured: machineNote(),
  };
}
