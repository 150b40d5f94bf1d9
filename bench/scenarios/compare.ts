/** Times a list of peers on the same mailbox: one untimed warm-up, then `rounds` rounds, peers interleaved. */
import type { BenchEnv } from "../env.js";
import type { Peer, Target } from "../peers/types.js";
import { fmtTiming, summarize, type Timing } from "../stats.js";

export interface PeerResult {
  peer: Peer;
  timing: Timing;
}

export async function comparePeers(
  env: BenchEnv,
  peers: Peer[],
  targets: Record<"pop3" | "imap", Target>,
  rounds: number,
  log: (s: string) => void,
  warmup: Peer[] = [],
): Promise<PeerResult[]> {
  for (const p of warmup) {
    log(`  warm-up: ${p.label}`);
    await p.run(env, targets[p.protocol]);
  }
  const times = new Map<Peer, number[]>(peers.map((p) => [p, []]));
  for (let r = 1; r <= rounds; r++) {
    for (const p of peers) {
      if (r > (p.maxRounds ?? rounds)) continue;
      const ms = await p.run(env, targets[p.protocol]);
      times.get(p)?.push(ms);
      log(`  round ${r}/${rounds}  ${p.label.padEnd(44)} ${(ms / 1000).toFixed(2)} s`);
    }
  }
  const out = peers.map((peer) => ({ peer, timing: summarize(times.get(peer) ?? []) }));
  for (const r of out) log(`  => ${r.peer.label.padEnd(44)} ${fmtTiming(r.timing)}`);
  return out;
}
