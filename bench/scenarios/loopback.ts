/** Section 2 of issue #6: the whole bulk mailbox over loopback, every peer, several rounds. */
import { diskOnlyMs, maildirFiles } from "../disk.js";
import type { BenchEnv } from "../env.js";
import { BENCH_PASSWORD } from "../env.js";
import type { Options } from "../options.js";
import { barePeer } from "../peers/bare.js";
import { fetchmailPeer } from "../peers/fetchmail.js";
import { getmailPeer } from "../peers/getmail.js";
import { imaplibPeer, poplibPeer } from "../peers/python.js";
import type { Peer, Target } from "../peers/types.js";
import { xoauthPeer } from "../peers/xoauth.js";
import { summarize, type Timing } from "../stats.js";
import { comparePeers, type PeerResult } from "./compare.js";

export function targetsFor(
  box: { mailbox: string; messages: number },
  ports: { pop3: number; imap: number },
): Record<"pop3" | "imap", Target> {
  const base = { host: "127.0.0.1", tls: true, mailbox: box.mailbox, password: BENCH_PASSWORD, messages: box.messages };
  return {
    pop3: { ...base, protocol: "pop3", port: ports.pop3 },
    imap: { ...base, protocol: "imap", port: ports.imap },
  };
}

/** The disk alone, same rounds: the mailbox's files written, fsynced and renamed as a fetch does (bench/disk.ts). */
export async function diskRounds(
  env: BenchEnv,
  mailbox: string,
  rounds: number,
  log: (s: string) => void,
): Promise<Timing> {
  const files = maildirFiles(env.dc.maildirOf(mailbox));
  const ms: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    ms.push(await diskOnlyMs(files, env.freshDir("disk-only")));
    log(
      `  round ${r}/${rounds}  disk alone (${files.length} files: write, fsync, rename) ${((ms.at(-1) ?? 0) / 1000).toFixed(2)} s`,
    );
  }
  return summarize(ms);
}

/** `peers` on `box` over loopback, after an untimed warm-up: Dovecot's index cache, the page cache, and the token cache (a user's second run). */
export function compareOnLoopback(
  env: BenchEnv,
  o: Options,
  box: { mailbox: string; messages: number },
  peers: Peer[],
  log: (s: string) => void,
): Promise<PeerResult[]> {
  const targets = targetsFor(box, { pop3: env.dc.ports.pop3s, imap: env.dc.ports.imaps });
  return comparePeers(env, peers, targets, o.rounds, log, [xoauthPeer("pop3"), xoauthPeer("imap")], o.peers);
}

export async function loopbackScenario(
  env: BenchEnv,
  o: Options,
  box: { mailbox: string; messages: number },
  log: (s: string) => void,
): Promise<{ rows: PeerResult[]; disk: Timing }> {
  log(`loopback: ${box.messages} messages, ${o.rounds} round(s) per peer`);
  const peers = [
    xoauthPeer("pop3"),
    xoauthPeer("imap"),
    getmailPeer("pop3"),
    getmailPeer("imap"),
    fetchmailPeer(),
    poplibPeer(),
    imaplibPeer(),
    barePeer(),
  ];
  const rows = await compareOnLoopback(env, o, box, peers, log);
  return { rows, disk: await diskRounds(env, box.mailbox, o.rounds, log) };
}
