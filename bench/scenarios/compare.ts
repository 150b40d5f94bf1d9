/** Times a list of peers on the same mailbox: one untimed warm-up, then `rounds` rounds, peers interleaved. */
import type { BenchEnv } from "../env.js";
import type { Peer, PeerProtocol, Target } from "../peers/types.js";
import { fmtTiming, summarize, type Timing } from "../stats.js";

export interface PeerResult {
  peer: Peer;
  /** Undefined when every round failed (see `failures`). */
  timing: Timing | undefined;
  failures: string[];
}

export async function comparePeers(
  env: BenchEnv,
  peers: Peer[],
  targets: Partial<Record<PeerProtocol, Target>>,
  rounds: number,
  log: (s: string) => void,
  warmup: Peer[] = [],
  only?: Set<string>,
): Promise<PeerResult[]> {
  if (only) peers = peers.filter((p) => only.has(p.id));
  const target = (p: Peer): Target => {
    const t = targets[p.protocol];
    if (!t) throw new Error(`no ${p.protocol} target for ${p.label}`);
    return t;
  };
  for (const p of warmup) {
    log(`  warm-up: ${p.label}`);
    await p.run(env, target(p));
  }
  const times = new Map<Peer, number[]>(peers.map((p) => [p, []]));
  const failures = new Map<Peer, string[]>(peers.map((p) => [p, []]));
  for (let r = 1; r <= rounds; r++) {
    for (const p of peers) {
      if (r > (p.maxRounds ?? rounds)) continue;
      try {
        const ms = await p.run(env, target(p));
        times.get(p)?.push(ms);
        log(`  round ${r}/${rounds}  ${p.label.padEnd(44)} ${(ms / 1000).toFixed(2)} s`);
      } catch (err) {
        // A peer that fails is reported as failed, never timed; the other peers still run.
        const msg = String((err as Error).message ?? err)
          .split("\n")
          .slice(0, 3)
          .join(" ")
          .slice(0, 300);
        failures.get(p)?.push(msg);
        log(`  round ${r}/${rounds}  ${p.label.padEnd(44)} FAILED: ${msg}`);
      }
    }
  }
  const out = peers.map((peer) => {
    const t = times.get(peer) ?? [];
    return { peer, timing: t.length > 0 ? summarize(t) : undefined, failures: failures.get(peer) ?? [] };
  });
  for (const r of out) log(`  => ${r.peer.label.padEnd(44)} ${r.timing ? fmtTiming(r.timing) : "failed"}`);
  return out;
}
