/**
 * bench/RESULTS.md is written by three tools: `npm run bench` (the benchmark tables), `npm run fuzz -- --results`
 * (section "## Fuzzing") and `npm run soak -- --results` (section "## Soak"). Each owns its sections; this keeps a
 * rewrite by one from dropping the others'.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";

/** Sections written by their own tool; `npm run bench` carries them over unchanged. */
export const OWN_SECTIONS = ["## Fuzzing", "## Soak"] as const;

/** The section of `md` that starts with the line `heading` (up to the next `## `), or undefined. */
export function sectionOf(md: string, heading: string): string | undefined {
  const text = `\n${md}`;
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) return undefined;
  const next = text.indexOf("\n## ", start + 1);
  return text.slice(start + 1, next < 0 ? undefined : next + 1).trimEnd();
}

/** `md` with the section `heading` replaced by `section` (which starts with that heading), or appended. */
export function withSection(md: string, heading: string, section: string): string {
  const old = sectionOf(md, heading);
  if (old === undefined) return `${md.trimEnd()}\n\n${section.trimEnd()}\n`;
  return md.replace(old, section.trimEnd());
}

/** Writes `section` into the results file in place of its old version. */
export function writeSection(file: string, heading: string, section: string): void {
  let old = "";
  try {
    old = readFileSync(file, "utf8");
  } catch {
    // a new file
  }
  writeFileSync(file, withSection(old, heading, section));
}

/** The benchmark tables `md` plus the tool-owned sections kept from the file's previous content. */
export function keepOwnSections(md: string, previous: string): string {
  let out = md;
  for (const h of OWN_SECTIONS) {
    const s = sectionOf(previous, h);
    if (s !== undefined && sectionOf(out, h) === undefined) out = withSection(out, h, s);
  }
  return out;
}

/** One line on the machine a result was measured on (CPU, memory, kernel, Node, load at the end). */
export function machineLine(): string {
  const c = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
  return `${c.length} x ${c[0]?.model.trim() ?? "unknown"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}; load average at the end ${load}`;
}
