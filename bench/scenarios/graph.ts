/**
 * Microsoft Graph (issue #13 item 8): `fetch --protocol graph` against the sandbox's Graph fake, the bulk corpus over
 * loopback and through the 50 ms RTT relay, side by side with a one-message-at-a-time client; then peak RSS for one
 * 100 MB message. TLS is verified throughout (the test CA, an IP SAN of the fake's certificate).
 */
import { join } from "node:path";
import { onCleanup } from "../cleanup.js";
import { type BenchEnv, dropDir } from "../env.js";
import type { GraphBox } from "../graph-setup.js";
import type { Options } from "../options.js";
import { graphNaivePeer } from "../peers/graph-naive.js";
import type { Target } from "../peers/types.js";
import { runXoauth, xoauthPeer } from "../peers/xoauth.js";
import { mustSucceed } from "../proc.js";
import { startRelay } from "../relay.js";
import { summarize } from "../stats.js";
import { comparePeers, type PeerResult } from "./compare.js";
import { ONE_WAY_MS } from "./latency.js";

export interface GraphResult {
  /** The command and date of the run that measured this section (it can be rerun alone: `--only graph`). */
  command: string;
  date: string;
  messages: number;
  bytes: number;
  loopback: PeerResult[];
  rtt: PeerResult[];
  rttMs: number;
  /** `error`: the run failed (reported as failed, never as a figure). */
  memory: {
    bytes: number;
    /** Median of `rounds` runs (older RESULTS.md: one run, no `rounds`). */
    peakRssMb: number;
    ms: number;
    minMb?: number;
    maxMb?: number;
    rounds?: number;
    error?: string;
  };
}

function graphTarget(box: GraphBox, port: number): Target {
  return {
    host: "127.0.0.1",
    port,
    tls: true,
    protocol: "graph",
    mailbox: box.mailbox,
    password: "",
    messages: box.messages,
    bytes: box.bytes,
    graphUrl: `https://127.0.0.1:${port}/v1.0`,
  };
}

/**
 * Peak RSS of `fetch --protocol graph` for the 100 MB message, median of `rounds` runs (single runs swing by a few MB
 * with allocator and GC timing, as in memory-100mb.ts); the row reports the median, the text also the spread.
 */
async function graphMemory(
  env: BenchEnv,
  big: GraphBox,
  rounds: number,
  log: (s: string) => void,
): Promise<GraphResult["memory"]> {
  const t = graphTarget(big, Number(new URL(env.graphUrl).port));
  const peaks: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const md = join(env.freshDir("big-graph"), "Maildir");
    const r = await runXoauth(env, t, md, { sampleRss: true });
    dropDir(join(md, ".."));
    try {
      mustSucceed("fetch of the big message (Graph)", r);
      const s = JSON.parse(r.stdout) as { fetched: number; bytes: number };
      if (s.fetched !== 1 || s.bytes !== big.bytes)
        throw new Error(`fetched ${s.fetched} message(s), ${s.bytes} bytes`);
    } catch (err) {
      // The other sections' results are still written; this row says failed.
      const error = String((err as Error).message)
        .split("\n")
        .slice(0, 3)
        .join(" ")
        .slice(0, 300);
      log(`graph memory: FAILED: ${error}`);
      return { bytes: big.bytes, peakRssMb: Number.NaN, ms: r.ms, error };
    }
    peaks.push((r.peakRssKb ?? 0) / 1024);
    times.push(r.ms);
  }
  const peak = summarize(peaks);
  log(
    `graph memory: ${(big.bytes / 1_048_576).toFixed(0)} MB message, peak RSS ${peaks.map((p) => p.toFixed(1)).join(" / ")} MB`,
  );
  return {
    bytes: big.bytes,
    peakRssMb: peak.median,
    ms: summarize(times).median,
    minMb: peak.min,
    maxMb: peak.max,
    rounds,
  };
}

export async function graphScenario(
  env: BenchEnv,
  o: Options,
  boxes: { bulk: GraphBox; big: GraphBox },
  command: string,
  log: (s: string) => void,
): Promise<GraphResult> {
  const port = Number(new URL(env.graphUrl).port);
  const peers = [xoauthPeer("graph"), graphNaivePeer()];
  log(`graph loopback: ${boxes.bulk.messages} messages, ${o.rounds} round(s) per client`);
  // Warm-up: the Graph token cache (a user's second run) and the fake's lazily built message ids.
  const loopback = await comparePeers(
    env,
    peers,
    { graph: graphTarget(boxes.bulk, port) },
    o.rounds,
    log,
    [xoauthPeer("graph")],
    o.peers,
  );
  const relay = await startRelay(port, ONE_WAY_MS);
  onCleanup(() => relay.close());
  log(`graph ${2 * ONE_WAY_MS} ms RTT: ${boxes.bulk.messages} messages, ${o.latencyRounds} round(s) per client`);
  let rtt: PeerResult[];
  try {
    rtt = await comparePeers(
      env,
      peers,
      { graph: graphTarget(boxes.bulk, relay.port) },
      o.latencyRounds,
      log,
      [],
      o.peers,
    );
  } finally {
    await relay.close();
  }
  const memory = await graphMemory(env, boxes.big, Math.max(1, o.rounds), log);
  return {
    command,
    date: new Date().toISOString(),
    messages: boxes.bulk.messages,
    bytes: boxes.bulk.bytes,
    loopback,
    rtt,
    rttMs: 2 * ONE_WAY_MS,
    memory,
  };
}
