/** bench/RESULTS.md's "Start-up" section and its targets (issue #16): ratios to a bare `node -e 0` of the same run. */
import type { Target } from "./report-table.js";
import type { StartupResult } from "./scenarios/startup.js";
import { WHO } from "./startup-timing.js";
import type { Timing } from "./stats.js";

export const STARTUP_HEADING = "## Start-up (issue #16)";

const fmtMs = (t: Timing): string => `${t.median.toFixed(0)} ms (${t.min.toFixed(0)} .. ${t.max.toFixed(0)})`;

function ratio(s: StartupResult, id: string): number | undefined {
  const node = s.rows.find((r) => r.id === "node")?.timing.median;
  const row = s.rows.find((r) => r.id === id)?.timing.median;
  return node && row ? row / node : undefined;
}

export function startupSection(s: StartupResult): string[] {
  const md = [
    STARTUP_HEADING,
    "",
    "Whole process, environment PATH, LANG, a fresh HOME and the token cache dir only (no NODE_EXTRA_CA_CERTS), " +
      "rounds interleaved after a warm-up that fills the token cache (and the bundle's code cache, one per kind of command line) " +
      "and fetches the mailbox's " +
      `${s.messages} messages; every timed \`fetch\` (real Dovecot, TLS, XOAUTH2, --keep --json) finds nothing new. ` +
      `"inside" is the \`ms\` that \`fetch --json\` reports (token from the cache, connect, TLS, login, listing). ${s.machine}:`,
    "",
    "| run | median (min .. max) | / `node -e 0` | inside | peak RSS |",
    "|---|---|---|---|---|",
  ];
  for (const r of s.rows) {
    const inner = s.fetchInnerMs[r.id];
    md.push(
      `| ${r.label} | ${fmtMs(r.timing)} | ${(ratio(s, r.id) ?? 1).toFixed(2)}x | ${inner === undefined ? "" : `${inner.toFixed(0)} ms`} | ${r.rssKb === undefined ? "" : `${(r.rssKb / 1024).toFixed(0)} MB`} |`,
    );
  }
  md.push("");
  return md;
}

export function startupTargets(s: StartupResult | undefined): Target[] {
  if (!s) return [];
  const t: Target[] = [];
  for (const kind of ["cli", "bundle"] as const) {
    const who = WHO[kind];
    for (const [what, id, max] of [
      ["`--help`", `${kind}-help`, 3],
      ["cached `token`", `${kind}-token`, 4],
      ["cached `token --config`", `${kind}-token-config`, 4],
    ] as const) {
      const r = ratio(s, id);
      if (r !== undefined)
        t.push({
          name: `start-up, ${who}: ${what} <= ${max}x \`node -e 0\``,
          result: `${r.toFixed(2)}x`,
          met: r <= max,
        });
    }
  }
  return t;
}
