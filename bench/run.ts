/**
 * `npm run bench` (issue #6): xoauth-mail against getmail6, fetchmail, hand-written Python and a bare client, on one
 * real Dovecot, and `fetch --protocol graph` against a one-at-a-time Graph client on the sandbox's Graph fake, in one
 * run; writes bench/RESULTS.md and prints it. `--quick` is the few-minutes smoke variant, `--rounds N` sets the rounds,
 * `--only loopback,latency,small,memory,tokens,proxy,graph,bundle,proxy-memory,startup` picks scenarios (RESULTS.md then keeps
 * the other sections),
 * `--peers id,id` picks clients, `--profile` adds a CPU profile of one fetch per protocol.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { keepOwnSections } from "../test/harness/results-md.js";
import { cleanupAll, installSignalHandlers } from "./cleanup.js";
import { settleDisk, startBenchEnv } from "./env.js";
import { fillGraphMailboxes } from "./graph-setup.js";
import { type Options, parseOptions, SANDBOX_ONLY } from "./options.js";
import { RESULTS_MD } from "./paths.js";
import { profileFetch } from "./profile.js";
import { type Results, renderResults } from "./report.js";
import { mergePartial } from "./results-merge.js";
import { bundleScenario } from "./scenarios/bundle.js";
import { graphScenario } from "./scenarios/graph.js";
import { FAST_ROUNDS, latencyScenario, ONE_WAY_MS } from "./scenarios/latency.js";
import { loopbackScenario, targetsFor } from "./scenarios/loopback.js";
import { memoryScenario } from "./scenarios/memory.js";
import { proxyScenario } from "./scenarios/proxy.js";
import { proxyMemoryScenario } from "./scenarios/proxy-memory.js";
import { SMALL_ROUNDS, smallScenario } from "./scenarios/small.js";
import { startupScenario } from "./scenarios/startup.js";
import { tokensScenario } from "./scenarios/tokens.js";
import { fillMailboxes } from "./setup.js";

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o = parseOptions(argv);
  installSignalHandlers();
  const t0 = Date.now();
  const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
  const r: Results = { command, setup: "start-up only (no mail data)", totalSeconds: 0 };
  // The bundle section needs no mail server, the proxy memory one brings its own sandbox: alone they start no Dovecot.
  if ([...o.only].some((s) => !SANDBOX_ONLY.includes(s))) await serverScenarios(o, r, command);
  if (o.only.has("bundle")) r.bundle = await bundleScenario(o.rounds, log);
  if (o.only.has("proxy-memory")) r.proxyMemory = await proxyMemoryScenario(o, log);
  r.totalSeconds = (Date.now() - t0) / 1000;
  let previous = "";
  try {
    previous = readFileSync(RESULTS_MD, "utf8");
  } catch {
    // first run
  }
  const md = o.partial ? mergePartial(renderResults(r), previous) : keepOwnSections(renderResults(r), previous);
  writeFileSync(RESULTS_MD, md);
  process.stdout.write(`${md}\n`);
  log(`wrote ${RESULTS_MD}`);
}

/** The scenarios against Dovecot and the sandbox: starts them and fills the mailboxes first. */
async function serverScenarios(o: Options, r: Results, command: string): Promise<void> {
  const env = await startBenchEnv();
  // Start-up first, on a quiet machine; it fills only its own small mailbox.
  if (o.only.has("startup")) r.startup = await startupScenario(env, o.rounds, log);
  if (![...o.only].some((s) => !SANDBOX_ONLY.includes(s) && s !== "startup")) return;
  const boxes = fillMailboxes(env, o, log);
  r.setup =
    `seed 20240601; bulk ${boxes.bulk.messages} messages / ${(boxes.bulk.bytes / 1_048_576).toFixed(0)} MB ` +
    "(80% 2-20 KB, 17% 20-500 KB, 3% 0.5-5 MB); " +
    `${boxes.small.messages} small (2-20 KB) for the RTT test; ${boxes.poll.messages} small (1-27 KB, ` +
    `${(boxes.poll.bytes / 1_048_576).toFixed(1)} MB) for small polls; one ` +
    `${(boxes.big.bytes / 1_048_576).toFixed(0)} MB message; ` +
    `${boxes.many.length} mailboxes x 3 small. Rounds: ${o.rounds} (RTT: ${o.latencyRounds}, xoauth-mail at least ${FAST_ROUNDS}; small polls: every client at least ${SMALL_ROUNDS}), after an untimed warm-up.`;
  // The short runs (50 ms RTT, small polls: half a second each) before the bulk section, whose 20,000 files written
  // and deleted leave this disk (ext4 without a journal, mounted with online discard) slow for longer than the settle
  // wait: in the order bulk, RTT, small one full run gave IMAP at 50 ms RTT 18.5x and small polls 0.79x / 0.74x,
  // against 23.8x and 0.64x / 0.62x in runs without the bulk section before them (docs/benchmarks.md).
  await settleDisk(log, true);
  if (o.only.has("latency")) {
    r.latency = { rows: await latencyScenario(env, o, boxes.small, log), ...boxes.small, rttMs: 2 * ONE_WAY_MS };
    await settleDisk(log);
  }
  if (o.only.has("small")) {
    r.small = { ...(await smallScenario(env, o, boxes.poll, log)), ...boxes.poll };
    await settleDisk(log);
  }
  if (o.only.has("loopback")) {
    r.loopback = { ...(await loopbackScenario(env, o, boxes.bulk, log)), ...boxes.bulk };
    await settleDisk(log);
  }
  if (o.only.has("memory")) {
    r.memory = { rows: await memoryScenario(env, boxes.big, log), bytes: boxes.big.bytes };
    await settleDisk(log);
  }
  if (o.only.has("tokens")) r.tokens = await tokensScenario(env, boxes.many, log);
  if (o.only.has("proxy")) {
    r.proxy = { ...(await proxyScenario(env, o, boxes.bulk, boxes.many, log)), bytes: boxes.bulk.bytes };
    await settleDisk(log);
  }
  if (o.only.has("graph")) {
    r.graph = await graphScenario(env, o, fillGraphMailboxes(env, o, log), command, log);
    await settleDisk(log);
  }
  if (o.profile) {
    const t = targetsFor(boxes.bulk, { pop3: env.dc.ports.pop3s, imap: env.dc.ports.imaps });
    r.profile = `${await profileFetch(env, t.pop3, log)}\n${await profileFetch(env, t.imap, log)}`;
  }
}

main()
  .catch((err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
