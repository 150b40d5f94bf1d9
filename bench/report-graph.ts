/** The Microsoft Graph section of bench/RESULTS.md (issue #13) and its targets. */
import { median, peerTable, ratioTarget, type Target, x } from "./report-table.js";
import type { GraphResult } from "./scenarios/graph.js";

/** The section's heading: `npm run bench -- --only graph` replaces exactly this section. */
export const GRAPH_HEADING = "## Microsoft Graph (issue #13)";

function spreadText(m: GraphResult["memory"]): string {
  if (!m.rounds || m.rounds < 2 || m.minMb === undefined || m.maxMb === undefined) return "";
  return ` (median of ${m.rounds} runs, min ${m.minMb.toFixed(1)}, max ${m.maxMb.toFixed(1)} MB)`;
}

/** Issue #13's Graph targets: at 50 ms RTT >= 3.5x the one-at-a-time client; 100 MB message <= 80 MB; every run complete. */
export function graphTargets(g: GraphResult | undefined): Target[] {
  if (!g) return [];
  const rows = [...g.loopback, ...g.rtt];
  const failed = rows.reduce((n, r) => n + r.failures.length, 0);
  const runs = rows.reduce((n, r) => n + (r.timing?.rounds ?? 0), 0);
  return [
    ...ratioTarget(
      g.rtt,
      "xoauth-graph",
      "graph-naive",
      3.5,
      `Graph, ${g.rttMs} ms RTT: fetch >= 3.5x faster than the one-at-a-time client`,
    ),
    {
      name: "Graph, 100 MB message: peak RSS <= 80 MB",
      result: g.memory.error
        ? `failed: ${g.memory.error}`
        : `${g.memory.peakRssMb.toFixed(1)} MB${(g.memory.rounds ?? 1) > 1 ? ` (median of ${g.memory.rounds})` : ""}`,
      met: !g.memory.error && g.memory.peakRssMb <= 80,
    },
    {
      name: "Graph: every timed run delivered every message, byte count exact",
      result: `${runs} runs of ${g.messages} messages, ${failed} failed`,
      met: failed === 0 && runs > 0,
    },
  ];
}

export function graphSection(g: GraphResult): string[] {
  const mb = (b: number) => `${(b / 1_048_576).toFixed(0)} MB`;
  const ratio = (rows: typeof g.rtt) => {
    const a = median(rows, "xoauth-graph");
    const b = median(rows, "graph-naive");
    return a !== undefined && b !== undefined ? x(b / a) : "-";
  };
  const md = [
    GRAPH_HEADING,
    "",
    `Measured by \`${g.command}\` on ${g.date}. The sandbox's Graph fake (src/sandbox/graph, in the bench process) ` +
      `serves the bulk corpus of the loopback section (${g.messages} messages, ${mb(g.bytes)} with CRLF line ends) ` +
      "from memory over HTTPS (test CA, verified by both clients), answering 429 above 4 requests in flight per app and " +
      `mailbox like Exchange Online. xoauth-mail / one-at-a-time: **${ratio(g.loopback)}** on loopback, ` +
      `**${ratio(g.rtt)}** at ${g.rttMs} ms RTT.`,
    "",
    "### Loopback",
    "",
    ...peerTable(g.loopback, g.bytes),
    "",
    `### ${g.rttMs} ms RTT (delaying relay in front of the fake's HTTPS port)`,
    "",
    ...peerTable(g.rtt, g.bytes),
    "",
    "### Memory",
    "",
    g.memory.error
      ? `\`fetch --protocol graph\` of one ${mb(g.memory.bytes)} message: **failed**: ${g.memory.error}`
      : `\`fetch --protocol graph\` of one ${mb(g.memory.bytes)} message (loopback): peak RSS (VmHWM) ` +
        `**${g.memory.peakRssMb.toFixed(1)} MB**${spreadText(g.memory)}, ${(g.memory.ms / 1000).toFixed(2)} s.`,
    "",
    "### How each client ran",
    "",
  ];
  const notes = new Map<string, string>();
  for (const r of [...g.loopback, ...g.rtt]) notes.set(r.peer.label, r.peer.note);
  for (const [label, note] of notes) md.push(`- **${label}**: ${note}`);
  md.push("");
  return md;
}
