/** The peer tables and ratio targets of bench/RESULTS.md (every section uses the same columns). */
import type { PeerResult } from "./scenarios/compare.js";
import { fmtTiming, mbPerSec } from "./stats.js";

export interface Target {
  name: string;
  result: string;
  met: boolean;
}

export const median = (rows: PeerResult[], id: string) => rows.find((r) => r.peer.id === id)?.timing?.median;
export const x = (v: number) => `${v.toFixed(2)}x`;

export function peerTable(rows: PeerResult[], bytes: number): string[] {
  const out = [
    "| client | median (min .. max) | rounds | throughput | xoauth-mail (same protocol) speed / client speed |",
    "|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const ours = median(rows, `xoauth-${r.peer.protocol}`) ?? Number.NaN;
    if (!r.timing) {
      out.push(`| ${r.peer.label} | failed (${r.failures.length}x): ${r.failures[0] ?? ""} | 0 | - | - |`);
      continue;
    }
    let ratio = x(r.timing.median / ours);
    if (r.peer.id.startsWith("xoauth-")) ratio = "1.00x (reference)";
    if (r.peer.id === "bare")
      ratio = `${x(r.timing.median / ours)} (POP3 at ${((100 * r.timing.median) / ours).toFixed(0)}% of the ceiling)`;
    out.push(
      `| ${r.peer.label} | ${fmtTiming(r.timing)} | ${r.timing.rounds}${r.failures.length > 0 ? ` (+${r.failures.length} failed)` : ""} | ${mbPerSec(bytes, r.timing.median)} | ${ratio} |`,
    );
  }
  return out;
}

export function ratioTarget(
  rows: PeerResult[] | undefined,
  ours: string,
  peer: string,
  want: number,
  name: string,
): Target[] {
  const a = rows && median(rows, ours);
  const b = rows && median(rows, peer);
  if (a === undefined || b === undefined) return [];
  return [{ name, result: x(b / a), met: b / a >= want }];
}
