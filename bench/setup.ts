/** Fills the bench mailboxes (deterministic seed) and checks that Dovecot indexes exactly what was written. */
import { fillMaildir, messageSizes, prng } from "./corpus.js";
import type { BenchEnv } from "./env.js";
import type { Options } from "./options.js";

export const SEED = 20240601;
export const BULK = "bulk@bench.test";
export const SMALL = "small@bench.test";
export const POLL = "poll@bench.test";
export const BIG = "big@bench.test";
export const many = (n: number) =>
  Array.from({ length: n }, (_, i) => `mb${String(i + 1).padStart(2, "0")}@bench.test`);

export interface Mailboxes {
  bulk: { mailbox: string; messages: number; bytes: number };
  small: { mailbox: string; messages: number; bytes: number };
  /** The small-poll mailbox of issue #16: 800 messages of 1-27 KB. */
  poll: { mailbox: string; messages: number; bytes: number };
  big: { mailbox: string; messages: number; bytes: number };
  many: string[];
}

function verify(env: BenchEnv, mailbox: string, want: { messages: number; bytes: number }): void {
  const out = env.doveadm(["mailbox", "status", "-u", mailbox, "messages vsize", "INBOX"]);
  const got = Object.fromEntries(
    out
      .trim()
      .split(/\s+/)
      .map((kv) => kv.split("=") as [string, string]),
  );
  if (Number(got.messages) !== want.messages || Number(got.vsize) !== want.bytes) {
    throw new Error(`Dovecot sees ${out.trim()} in ${mailbox}, expected messages=${want.messages} vsize=${want.bytes}`);
  }
}

/** Fills one mailbox (a password login for the peers too) and checks that Dovecot indexed exactly that. */
export function fillMailbox(env: BenchEnv, mailbox: string, sizes: number[], seed: number) {
  env.addPasswordUser(mailbox);
  const r = fillMaildir(env.dc.maildirOf(mailbox), mailbox, sizes, seed);
  verify(env, mailbox, r);
  return { mailbox, ...r };
}

export function fillMailboxes(env: BenchEnv, o: Options, log: (s: string) => void): Mailboxes {
  const t0 = Date.now();
  const rand = prng(SEED);
  const fill = (mailbox: string, sizes: number[], seed: number) => fillMailbox(env, mailbox, sizes, seed);
  const bulk = fill(BULK, messageSizes(o.bulkMessages, o.bulkBytes, rand), SEED);
  const smallSizes = Array.from({ length: o.latencyMessages }, () => Math.round(2048 * 10 ** rand()));
  const small = fill(SMALL, smallSizes, SEED + 1);
  const big = fill(BIG, [o.bigBytes], SEED + 2);
  const pollSizes = Array.from({ length: o.pollMessages }, () => Math.round(1024 + 26 * 1024 * rand()));
  const poll = fill(POLL, pollSizes, SEED + 3);
  const boxes = many(o.tokenMailboxes);
  for (const [i, mb] of boxes.entries())
    fill(
      mb,
      [4096, 8192, 16_384].map((s) => s + i),
      SEED + 10 + i,
    );
  log(
    `filled ${bulk.messages} messages (${(bulk.bytes / 1_048_576).toFixed(0)} MB), ${small.messages} small, ${poll.messages} for small polls, ` +
      `1 x ${(big.bytes / 1_048_576).toFixed(0)} MB, ${boxes.length} mailboxes x 3 in ${((Date.now() - t0) / 1000).toFixed(1)} s; Dovecot indexed all`,
  );
  return { bulk, small, poll, big, many: boxes };
}
