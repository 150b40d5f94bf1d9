/** Section 3: the same comparison through a 50 ms RTT relay (25 ms each way), on a mailbox of small messages. */

import { onCleanup } from "../cleanup.js";
import type { BenchEnv } from "../env.js";
import type { Options } from "../options.js";
import { barePeer } from "../peers/bare.js";
import { fetchmailPeer } from "../peers/fetchmail.js";
import { getmailPeer } from "../peers/getmail.js";
import { imaplibPeer, poplibPeer } from "../peers/python.js";
import type { Peer } from "../peers/types.js";
import { xoauthPeer } from "../peers/xoauth.js";
import { startRelay } from "../relay.js";
import { comparePeers, type PeerResult } from "./compare.js";
import { targetsFor } from "./loopback.js";

/** Timed rounds of xoauth-mail in this section, whatever --rounds says (more when it says more). */
export const FAST_ROUNDS = 5;

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
  // The per-message peers take 10-20 s a round and vary by 1%; xoauth-mail's half-second runs vary by 20% on this
  // shared machine (IMAP 0.53 and 0.63 s in one run's two rounds), so they get at least FAST_ROUNDS.
  const rounds = Math.max(o.latencyRounds, FAST_ROUNDS);
  log(
    `latency: ${box.messages} small messages through a ${2 * ONE_WAY_MS} ms RTT relay, ${rounds} round(s) of ` +
      `xoauth-mail, ${o.latencyRounds} of the others`,
  );
  const slow = (p: Peer): Peer => ({ ...p, maxRounds: Math.min(p.maxRounds ?? o.latencyRounds, o.latencyRounds) });
  const peers = [
    xoauthPeer("pop3"),
    xoauthPeer("imap"),
    ...[fetchmailPeer(), getmailPeer("pop3"), poplibPeer(), imaplibPeer(), barePeer()].map(slow),
  ];
  const targets = targetsFor(box, { pop3: pop3.port, imap: imap.port });
  try {
    return await comparePeers(env, peers, targets, rounds, log, [xoauthPeer("pop3")], o.peers);
  } finally {
    await pop3.close();
    await imap.close();
  }
}
