/** Section 3: the same comparison through a 50 ms RTT relay (25 ms each way), on a mailbox of small messages. */

import { onCleanup } from "../cleanup.js";
import type { BenchEnv } from "../env.js";
import type { Options } from "../options.js";
import { barePeer } from "../peers/bare.js";
import { fetchmailPeer } from "../peers/fetchmail.js";
import { getmailPeer } from "../peers/getmail.js";
import { imaplibPeer, poplibPeer } from "../peers/python.js";
import { xoauthPeer } from "../peers/xoauth.js";
import { startRelay } from "../relay.js";
import { comparePeers, type PeerResult } from "./compare.js";
import { targetsFor } from "./loopback.js";

export const ONE_WAY_MS = 25;

export async function latencyScenario(
  env: BenchEnv,
  o: Options,
  box: { mailbox: string; messages: number },
  log: (s: string) => void,
): Promise<PeerResult[]> {
  const pop3 = await startRelay(env.dc.ports.pop3s, ONE_WAY_MS);
  const imap = await startRelay(env.dc.ports.imaps, ONE_WAY_MS);
  onCleanup(() => pop3.close());
  onCleanup(() => imap.close());
  log(`latency: ${box.messages} small messages through a ${2 * ONE_WAY_MS} ms RTT relay, ${o.latencyRounds} round(s)`);
  const peers = [
    xoauthPeer("pop3"),
    xoauthPeer("imap"),
    fetchmailPeer(),
    getmailPeer("pop3"),
    poplibPeer(),
    imaplibPeer(),
    barePeer(),
  ];
  const targets = targetsFor(box, { pop3: pop3.port, imap: imap.port });
  try {
    return await comparePeers(env, peers, targets, o.latencyRounds, log, [xoauthPeer("pop3")], o.peers);
  } finally {
    await pop3.close();
    await imap.close();
  }
}
