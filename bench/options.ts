/** Command line of `npm run bench`: default (~15 min), --quick (a few minutes), --rounds N, --only a,b. */
export interface Options {
  quick: boolean;
  rounds: number;
  latencyRounds: number;
  bulkMessages: number;
  bulkBytes: number;
  latencyMessages: number;
  /** Messages (1-27 KB) of the small-poll section. */
  pollMessages: number;
  bigBytes: number;
  tokenMailboxes: number;
  concurrentSessions: number;
  /** Scenarios to run (default all): loopback, latency, small, memory, tokens, proxy, graph, bundle, proxy-memory,
   * startup. */
  only: Set<string>;
  /** `--only` left some scenarios out: RESULTS.md keeps the other sections of its previous version. */
  partial: boolean;
  /** Also write a CPU profile of one xoauth-mail POP3 + IMAP fetch and print the top frames. */
  profile: boolean;
  /** Peer ids to time (default all), e.g. `--peers xoauth-pop3,xoauth-imap,bare` for a quick before/after. */
  peers: Set<string> | undefined;
}

export const SCENARIOS = [
  "loopback",
  "latency",
  "small",
  "memory",
  "tokens",
  "proxy",
  "graph",
  "bundle",
  "proxy-memory",
  "startup",
] as const;

/** Scenarios that need no Dovecot and no filled mailboxes (the bundle, and the proxy memory on its own sandbox). */
export const SANDBOX_ONLY: readonly string[] = ["bundle", "proxy-memory"];

export function parseOptions(argv: string[]): Options {
  const quick = argv.includes("--quick");
  const num = (flag: string, dflt: number) => {
    const i = argv.indexOf(flag);
    if (i === -1) return dflt;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} needs a positive integer`);
    return v;
  };
  const onlyIdx = argv.indexOf("--only");
  const only = new Set<string>(onlyIdx === -1 ? SCENARIOS : (argv[onlyIdx + 1] ?? "").split(","));
  for (const s of only) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario: ${s}`);
  const rounds = num("--rounds", quick ? 1 : 3);
  return {
    quick,
    rounds,
    latencyRounds: num("--rounds", quick ? 1 : 2),
    bulkMessages: quick ? 200 : 2000,
    bulkBytes: (quick ? 20 : 200) * 1_048_576,
    latencyMessages: quick ? 50 : 200,
    pollMessages: quick ? 200 : 800,
    bigBytes: 100 * 1_048_576,
    tokenMailboxes: 20,
    concurrentSessions: 200,
    only,
    partial: SCENARIOS.some((s) => !only.has(s)),
    profile: argv.includes("--profile"),
    peers: argv.includes("--peers") ? new Set((argv[argv.indexOf("--peers") + 1] ?? "").split(",")) : undefined,
  };
}
