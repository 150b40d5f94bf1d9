/**
 * A partial bench run (`--only graph`, `--only loopback,latency`, ...) rewrites only its own sections of
 * bench/RESULTS.md: the sections it rendered replace their old versions (a new one goes before "## How each client
 * ran"), its rows replace the same rows of the targets table, and everything else (the other scenarios, Fuzzing,
 * Soak) stays as it was.
 */
import { keepOwnSections, sectionOf } from "../test/harness/results-md.js";

const TARGETS_PREFIX = "## Targets";
const CLIENTS = "## How each client ran";

/** The `## ` headings of `md`, in order. */
function headings(md: string): string[] {
  return md.split("\n").filter((l) => l.startsWith("## "));
}

/** Table rows (`| name | ... |`) of a section by their first cell, header and separator left out. */
function rows(section: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of section.split("\n").filter((l) => l.startsWith("| "))) {
    const name = l.split("|")[1]?.trim() ?? "";
    if (name !== "target" && !l.startsWith("|---")) out.set(name, l);
  }
  return out;
}

/** The old targets table with the fresh rows in place of (or after) the old ones, under the fresh heading. */
function mergeTargets(fresh: string, old: string): string {
  const merged = rows(old);
  for (const [name, line] of rows(fresh)) merged.set(name, line);
  const head = fresh.split("\n").filter((l) => !l.startsWith("| ") && !l.startsWith("|---") && l.trim() !== "");
  return [...head, "", "| target | result | met |", "|---|---|---|", ...merged.values()].join("\n");
}

/** `md` with `old` replaced by `text`, taken literally (String.replace would turn the `$$` of a shell line into `$`). */
function replaceLiteral(md: string, old: string, text: string): string {
  return md.replace(old, () => text);
}

/** `md` with the section `heading` replaced by `section`, or `section` appended. */
function putSection(md: string, heading: string, section: string): string {
  const old = sectionOf(md, heading);
  return old === undefined ? `${md.trimEnd()}\n\n${section.trimEnd()}\n` : replaceLiteral(md, old, section.trimEnd());
}

export function mergePartial(fresh: string, previous: string): string {
  if (previous.trim() === "") return keepOwnSections(fresh, previous);
  let out = previous;
  for (const h of headings(fresh)) {
    const section = sectionOf(fresh, h) as string;
    if (h.startsWith(TARGETS_PREFIX)) {
      const oldHeading = headings(out).find((x) => x.startsWith(TARGETS_PREFIX));
      const old = oldHeading ? (sectionOf(out, oldHeading) as string) : undefined;
      out = old === undefined ? putSection(out, h, section) : replaceLiteral(out, old, mergeTargets(section, old));
      continue;
    }
    if (h === CLIENTS) continue; // lists the peers of the full run's tables
    const clients = sectionOf(out, CLIENTS);
    if (sectionOf(out, h) === undefined && clients !== undefined)
      out = replaceLiteral(out, clients, `${section.trimEnd()}\n\n${clients}`);
    else out = putSection(out, h, section);
  }
  return out;
}
