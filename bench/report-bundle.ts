/** bench/RESULTS.md's "One-file bundle" section: size, and start-up as ratios to a bare `node -e 0` of the same run. */
import type { BundleResult } from "./scenarios/bundle.js";
import type { Timing } from "./stats.js";

const fmtMs = (t: Timing): string => `${t.median.toFixed(0)} ms (${t.min.toFixed(0)} .. ${t.max.toFixed(0)})`;

export const BUNDLE_HEADING = "## One-file bundle (issue #15)";

export function bundleSection(b: BundleResult): string[] {
  const node = b.rows.find((r) => r.id === "node")?.timing.median ?? Number.NaN;
  const md = [
    BUNDLE_HEADING,
    "",
    `\`dist/bundle/xoauth-mail.mjs\` (\`npm run bundle\`, ${b.packages} packages inside): **${b.bytes.toLocaleString("en-US")} bytes**, ` +
      `${b.gzipBytes.toLocaleString("en-US")} bytes gzipped (gzip -6). Start-up, whole process, environment PATH, LANG ` +
      "and an empty HOME only (no NODE_EXTRA_CA_CERTS), rounds interleaved after a warm-up, whose run leaves the " +
      "bundle's V8 code cache in that HOME as a user's first run does (the row without it: NODE_DISABLE_COMPILE_CACHE=1, " +
      "what a run costs where the cache dir cannot be written). `demo` runs a whole " +
      "scenario (local tenant, token, POP3, IMAP, fetch, diagnosis), so its ratio is not a start-up figure. " +
      `${b.machine}:`,
    "",
    "| run | median (min .. max) | rounds | / `node -e 0` |",
    "|---|---|---|---|",
  ];
  for (const r of b.rows)
    md.push(`| ${r.label} | ${fmtMs(r.timing)} | ${r.timing.rounds} | ${(r.timing.median / node).toFixed(2)}x |`);
  md.push("");
  return md;
}
