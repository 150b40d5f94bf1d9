/** The human one-line summary of a fetch run (the `--json` form is the FetchSummary object itself). */
import { formatBytes } from "./progress.js";
import type { FetchSummary } from "./types.js";

export function formatSummary(s: FetchSummary): string {
  const mark = s.ok ? "✓" : "✗";
  const parts = [
    `${s.fetched} fetched (${formatBytes(s.bytes)})`,
    `${s.deleted} deleted`,
    `${s.skipped} already delivered`,
  ];
  if (s.errors.length) parts.push(`${s.errors.length} error${s.errors.length > 1 ? "s" : ""}`);
  return `${mark} ${s.account} [${s.protocol}]: ${parts.join(", ")} in ${(s.ms / 1000).toFixed(1)} s\n`;
}
