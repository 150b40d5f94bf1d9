/** bench/RESULTS.md: machine, tables (median, min..max, throughput, ratios) and the issue's targets, met or not. */
import { machineLines } from "./machine.js";
import { getmailLostWakeups } from "./peers/getmail.js";
import { bundleSection } from "./report-bundle.js";
import { graphSection, graphTargets } from "./report-graph.js";
import { proxyMemorySection, proxyMemoryTargets } from "./report-proxy-memory.js";
import { startupSection, startupTargets } from "./report-startup.js";
import { median, peerTable, ratioTarget, type Target, x } from "./report-table.js";
import type { BundleResult } from "./scenarios/bundle.js";
import type { PeerResult } from "./scenarios/compare.js";
import type { GraphResult } from "./scenarios/graph.js";
import type { MemoryResult } from "./scenarios/memory.js";
import type { ProxyResult } from "./scenarios/proxy.js";
import type { ProxyMemoryResult } from "./scenarios/proxy-memory.js";
import type { SmallResult } from "./scenarios/small.js";
import type { StartupResult } from "./scenarios/startup.js";
import type { TokenResult } from "./scenarios/tokens.js";
import { fmtSec, fmtTiming, mbPerSec, type Timing } from "./stats.js";

/** The targets table's heading (a partial run merges its rows into the old table: bench/results-merge.ts). */
export const TARGETS_HEADING = "## Targets (issues #6, #13, #14 and #16)";

export interface Results {
  command: string;
  setup: string;
  loopback?: { rows: PeerResult[]; disk: Timing; bytes: number; messages: number };
  latency?: { rows: PeerResult[]; bytes: number; messages: number; rttMs: number };
  small?: SmallResult & { bytes: number; messages: number };
  memory?: { rows: MemoryResult[]; bytes: number };
  tokens?: TokenResult;
  proxy?: ProxyResult & { bytes: number };
  graph?: GraphResult;
  bundle?: BundleResult;
  proxyMemory?: ProxyMemoryResult;
  startup?: StartupResult;
  profile?: string;
  totalSeconds: number;
}

function targets(r: Results): Target[] {
  const t: Target[] = [];
  const l = r.loopback?.rows;
  t.push(...ratioTarget(l, "xoauth-pop3", "getmail-pop3", 1.5, "loopback: POP3 >= 1.5x faster than getmail6 (POP3)"));
  t.push(...ratioTarget(l, "xoauth-imap", "getmail-imap", 1.5, "loopback: IMAP >= 1.5x faster than getmail6 (IMAP)"));
  t.push(...ratioTarget(l, "xoauth-pop3", "fetchmail", 1.5, "loopback: POP3 >= 1.5x faster than fetchmail"));
  t.push(...ratioTarget(l, "xoauth-pop3", "bare", 0.7, "loopback: POP3 >= 70% of the bare /dev/null client"));
  t.push(...ratioTarget(l, "xoauth-imap", "bare", 0.7, "loopback: IMAP >= 70% of the bare /dev/null client"));
  const lat = r.latency?.rows;
  t.push(
    ...ratioTarget(
      lat,
      "xoauth-imap",
      "imaplib",
      20,
      "50 ms RTT: IMAP >= 20x faster than a per-message client (imaplib)",
    ),
  );
  t.push(
    ...ratioTarget(lat, "xoauth-pop3", "fetchmail", 10, "50 ms RTT: POP3 (PIPELINING) >= 10x faster than fetchmail"),
  );
  t.push(...smallTargets(r.small));
  for (const m of r.memory?.rows ?? [])
    t.push({
      name: `100 MB message, ${m.protocol.toUpperCase()}: peak RSS <= 80 MB`,
      result: `${m.peakRssMb.toFixed(1)} MB`,
      met: m.peakRssMb <= 80,
    });
  t.push(...graphTargets(r.graph));
  t.push(...startupTargets(r.startup));
  if (r.tokens)
    t.push({
      name: `token requests for ${r.tokens.mailboxes} mailboxes under one app: 1`,
      result: String(r.tokens.tokenRequests),
      met: r.tokens.tokenRequests === 1,
    });
  if (r.proxy) {
    const share = r.proxy.direct.median / r.proxy.proxied.median;
    t.push({
      name: "proxy >= 90% of direct throughput (poplib)",
      result: `${(100 * share).toFixed(0)}%`,
      met: share >= 0.9,
    });
    t.push({
      name: `${r.proxy.sessions} concurrent proxied POP3 sessions without errors`,
      result: `${r.proxy.sessionErrors} errors`,
      met: r.proxy.sessionErrors === 0,
    });
  }
  t.push(...proxyMemoryTargets(r.proxyMemory));
  return t;
}

/** Small polls (issue #16): our whole process at most 0.67x the time of the poplib + fsync script. */
function smallTargets(s: Results["small"]): Target[] {
  const py = s && median(s.rows, "poplib-fsync");
  if (!s || py === undefined) return [];
  return (["pop3", "imap"] as const).flatMap((p) => {
    const ours = median(s.rows, `xoauth-${p}`);
    if (ours === undefined) return [];
    return [
      {
        name: `${s.messages} small messages: ${p.toUpperCase()} fetch (whole process) <= 0.67x the time of a Python poplib + fsync loop`,
        result: x(ours / py),
        met: ours / py <= 0.67,
      },
    ];
  });
}

function smallSection(s: NonNullable<Results["small"]>): string[] {
  const md = [
    `## Small polls: ${s.messages} messages of 1-27 KB, ${(s.bytes / 1_048_576).toFixed(1)} MB, implicit TLS, whole process`,
    "",
    ...(s.measured ? [`Clients interleaved round by round; ${s.measured}.`, ""] : []),
    ...peerTable(s.rows, s.bytes),
    "",
    "`fetch` with nothing new (the Maildir and state of an earlier run; one process start, one cached token read, one " +
      "TLS login and a listing of all messages), next to a bare `node -e 0` (no `NODE_EXTRA_CA_CERTS`), same rounds:",
    "",
    "| run | median (min .. max) | rounds | / node -e 0 |",
    "|---|---|---|---|",
  ];
  const n = s.idle.node.median;
  for (const [label, t] of [
    ["fetch, nothing new (POP3)", s.idle.pop3],
    ["fetch, nothing new (IMAP)", s.idle.imap],
    ["node -e 0", s.idle.node],
  ] as const)
    md.push(`| ${label} | ${fmtTiming(t)} | ${t.rounds} | ${x(t.median / n)} |`);
  md.push("", `(${fmtSec(n)} of each run is the start of node itself.)`, "");
  md.push(...diskLines(s.rows, s.disk, s.messages, "poplib-fsync"), "");
  return md;
}

/** What the disk alone costs next to our times (bench/disk.ts), and the sum it bounds us by against `peer`. */
function diskLines(rows: PeerResult[], disk: Timing, messages: number, peer: string): string[] {
  const p = median(rows, peer);
  const ours = (["pop3", "imap"] as const).map((x) => [x, median(rows, `xoauth-${x}`)] as const);
  const out = [
    `Disk alone, same run: the ${messages} message files written, fsynced and renamed (4 in flight, as our commits on ` +
      `libuv's 4 threads) with one directory fsync per 64 — ${fmtTiming(disk)}, ${(disk.median / messages).toFixed(2)} ms per message.`,
  ];
  if (peer === "bare" && p !== undefined)
    out.push(
      "",
      `The bare client plus the disk alone: ${fmtSec(p + disk.median)}; ` +
        ours
          .filter(([, t]) => t !== undefined)
          .map(
            ([x, t]) =>
              `${x.toUpperCase()} ${fmtSec(t as number)} = ${((100 * (p + disk.median)) / (t as number)).toFixed(0)}% of that sum's speed`,
          )
          .join(", ") +
        ".",
    );
  return out;
}

export function renderResults(r: Results): string {
  const md: string[] = [
    "# xoauth-mail benchmark results",
    "",
    `Generated by \`${r.command}\` (method: docs/benchmarks.md).`,
    "",
  ];
  md.push(...machineLines(), `- Data: ${r.setup}`, `- Total bench time: ${r.totalSeconds.toFixed(0)} s`, "");
  md.push(TARGETS_HEADING, "", "| target | result | met |", "|---|---|---|");
  for (const t of targets(r)) md.push(`| ${t.name} | ${t.result} | ${t.met ? "met" : "**not met**"} |`);
  md.push("");
  if (r.loopback) {
    md.push(
      `## Loopback: ${r.loopback.messages} messages, ${(r.loopback.bytes / 1_048_576).toFixed(0)} MB, implicit TLS`,
      "",
    );
    md.push(...peerTable(r.loopback.rows, r.loopback.bytes), "");
    md.push(...diskLines(r.loopback.rows, r.loopback.disk, r.loopback.messages, "bare"), "");
  }
  if (r.latency) {
    md.push(
      `## ${r.latency.rttMs} ms RTT (delaying relay): ${r.latency.messages} small messages, ${(r.latency.bytes / 1_048_576).toFixed(1)} MB`,
      "",
    );
    md.push(...peerTable(r.latency.rows, r.latency.bytes), "");
  }
  if (r.small) md.push(...smallSection(r.small));
  if (r.memory) {
    md.push(
      `## Memory: one ${(r.memory.bytes / 1_048_576).toFixed(0)} MB message`,
      "",
      "| protocol | peak RSS (VmHWM) | time |",
      "|---|---|---|",
    );
    for (const m of r.memory.rows)
      md.push(`| ${m.protocol.toUpperCase()} | ${m.peakRssMb.toFixed(1)} MB | ${(m.ms / 1000).toFixed(2)} s |`);
    md.push("");
  }
  if (r.tokens)
    md.push(
      `## Tokens`,
      "",
      `\`fetch --all\` over ${r.tokens.mailboxes} accounts of one app registration, cold token cache: **${r.tokens.tokenRequests}** token request(s) at the identity fake (${(r.tokens.ms / 1000).toFixed(1)} s for all mailboxes).`,
      "",
    );
  if (r.proxy) {
    const p = r.proxy;
    md.push("## Proxy", "", "| path | median (min .. max) | throughput |", "|---|---|---|");
    md.push(`| poplib -> Dovecot (TLS, password) | ${fmtTiming(p.direct)} | ${mbPerSec(p.bytes, p.direct.median)} |`);
    md.push(
      `| poplib -> xoauth-mail proxy (loopback, plain) -> Dovecot (TLS, XOAUTH2) | ${fmtTiming(p.proxied)} | ${mbPerSec(p.bytes, p.proxied.median)} |`,
      "",
    );
    md.push(
      `${p.sessions} concurrent proxied POP3 sessions (USER/PASS, STAT, RETR 1, QUIT; 10 per mailbox, Dovecot's per-user limit): ${p.sessionErrors} errors${p.firstError ? ` (first: ${p.firstError})` : ""}, ${(p.concurrentMs / 1000).toFixed(1)} s; logins by outcome ${JSON.stringify(p.loginOutcomes)}; token requests by the proxy (cold cache) for 21 accounts of one app: ${p.tokenRequests}.`,
      "",
    );
  }
  if (r.graph) md.push(...graphSection(r.graph));
  if (r.bundle) md.push(...bundleSection(r.bundle));
  if (r.proxyMemory) md.push(...proxyMemorySection(r.proxyMemory, r.command));
  if (r.startup) md.push(...startupSection(r.startup));
  const peers = new Map<string, string>();
  for (const row of [...(r.loopback?.rows ?? []), ...(r.latency?.rows ?? []), ...(r.small?.rows ?? [])])
    peers.set(row.peer.label, row.peer.note);
  md.push("## How each client ran", "");
  for (const [label, note] of peers) md.push(`- **${label}**: ${note}`);
  if (getmailLostWakeups > 0)
    md.push(
      `- getmail6 runs repeated after its own "waiting child pid timed out" race (not timed): ${getmailLostWakeups}`,
    );
  md.push("");
  if (r.profile) md.push("## CPU profile (top self time)", "", "```", r.profile, "```", "");
  return md.join("\n");
}
