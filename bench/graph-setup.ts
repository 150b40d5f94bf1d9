/**
 * The Graph fake's bench mailboxes: the same bulk corpus as Dovecot's (seed, sizes, content: bench/corpus.ts) and one
 * 100 MB message, with CRLF line ends as Exchange serves MIME, seeded in memory with `GraphFake.seed` (no copies).
 */
import { asServed } from "../test/harness/messages.js";
import { corpus, messageSizes, prng } from "./corpus.js";
import type { BenchEnv } from "./env.js";
import type { Options } from "./options.js";
import { SEED } from "./setup.js";

export const GRAPH_BULK = "graph-bulk@bench.test";
export const GRAPH_BIG = "graph-big@bench.test";

export interface GraphBox {
  mailbox: string;
  messages: number;
  /** Sum of the `$value` lengths: what a byte-exact fetch writes. */
  bytes: number;
}

function seedBox(env: BenchEnv, mailbox: string, sizes: number[], seed: number): GraphBox {
  env.graph.directory.addMailbox({ address: mailbox });
  const c = corpus(seed);
  let bytes = 0;
  env.graph.seed(mailbox, sizes.length, (i) => {
    const msg = asServed(c.build(i, sizes[i] as number, mailbox));
    bytes += msg.length;
    return msg;
  });
  return { mailbox, messages: sizes.length, bytes };
}

export function fillGraphMailboxes(
  env: BenchEnv,
  o: Options,
  log: (s: string) => void,
): { bulk: GraphBox; big: GraphBox } {
  const t0 = Date.now();
  // The same PRNG draws as setup.ts's bulk mailbox: the same sizes and the same messages.
  const bulk = seedBox(env, GRAPH_BULK, messageSizes(o.bulkMessages, o.bulkBytes, prng(SEED)), SEED);
  const big = seedBox(env, GRAPH_BIG, [o.bigBytes], SEED + 2);
  log(
    `Graph fake: ${bulk.messages} messages (${(bulk.bytes / 1_048_576).toFixed(0)} MB) and 1 x ` +
      `${(big.bytes / 1_048_576).toFixed(0)} MB seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { bulk, big };
}
