#!/usr/bin/env node
// Fails (exit 1) when modules under src/ import each other in a cycle, printing each cycle as a -> b -> a.
// Part of `npm run lint`. Usage: node scripts/check-cycles.mjs [--runtime-only] [root, default src]
//
// Edges: `import ... from "./x.js"`, `import "./x.js"`, `export ... from "./x.js"` and `import("./x.js")` between
// files under the root (relative `.js` specifiers resolve to the `.ts` source; packages are not followed).
// - Dynamic imports count: a module that lazily loads another one which imports it back is still one knot, and which
//   half sees the other half-initialised depends on who is loaded first.
// - Type-only imports (`import type`, `export type`, or braces whose every name is marked `type`) vanish at run time
//   and cannot cause an initialisation-order bug. They still count: a type cycle ties the two modules together for
//   the reader and the compiler just the same, and the next value import along the same edge makes it a run-time
//   cycle. Each cycle is labelled "run-time" or "through an import type"; --runtime-only ignores type-only imports.
//
// Cycles that are known and being removed elsewhere may be listed in scripts/cycles-allowed.txt, one per line, in the
// text printed here (without the label; `#` starts a comment). An allowed cycle that no longer exists is an error
// too, so the list shrinks with the code. The list applies to the default root (src) only.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const withTypes = !args.includes("--runtime-only");
const root = resolve(repo, args.find((a) => !a.startsWith("--")) ?? "src");

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Blanks out comments and the contents of template literals, keeping string literals (they hold specifiers). */
function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) =>
    m.startsWith("/") ? " " : m,
  );
}

const STATIC = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?([^;"']*?)\s*(?:from\s*)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

/** The files under the root that a file imports, split into run-time and type-only imports (absolute .ts paths). */
function importsOf(file) {
  const src = stripComments(readFileSync(file, "utf8"));
  const runtime = new Set();
  const types = new Set();
  const add = (spec, out = runtime) => {
    if (!spec.startsWith(".")) return;
    const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
    const candidates = [target, `${target}.ts`, join(target, "index.ts")];
    const hit = candidates.find((c) => c.startsWith(root) && existsSync(c));
    if (hit) out.add(hit);
  };
  for (const m of src.matchAll(STATIC)) {
    const [, kind, typeKw, clause, spec] = m;
    if (kind === "export" && !/^(\*|\{)/.test(clause)) continue; // `export const x = "..."`: not a re-export
    if (kind === "import" && clause !== "" && !/^[\w$*{]/.test(clause)) continue;
    const braces = /^\{([\s\S]*)\}$/.exec(clause);
    const allTypes =
      braces !== null &&
      braces[1].trim() !== "" &&
      braces[1]
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .every((s) => s.startsWith("type "));
    add(spec, typeKw || allTypes ? types : runtime);
  }
  for (const m of src.matchAll(DYNAMIC)) add(m[1]);
  for (const f of runtime) types.delete(f);
  return { runtime, types };
}

const files = tsFiles(root).sort();
const imports = new Map(files.map((f) => [f, importsOf(f)]));
const name = (f) => relative(repo, f).split("\\").join("/");

/** Tarjan's strongly connected components of a graph (Map file -> files), those holding a cycle. */
function components(graph) {
  let next = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) !== idx.get(v)) return;
    const c = new Set();
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      c.add(w);
    } while (w !== v);
    if (c.size > 1 || graph.get(v).includes(v)) out.push(c);
  };
  for (const f of graph.keys()) if (!idx.has(f)) visit(f);
  return out;
}

/** Shortest path from `from` to `to` inside one component (breadth first). */
function path(graph, comp, from, to) {
  const prev = new Map([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const v = queue.shift();
    if (v === to) break;
    for (const w of graph.get(v)) {
      if (comp.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  const out = [];
  for (let v = to; v !== null; v = prev.get(v)) out.unshift(v);
  return out;
}

/** For every edge inside a knot, the shortest cycle through it, rotated to start at its first file (stable text). */
function cyclesOf(graph) {
  const out = new Set();
  for (const comp of components(graph)) {
    for (const v of comp) {
      for (const w of graph.get(v)) {
        if (!comp.has(w)) continue;
        const loop = path(graph, comp, w, v).map(name); // w -> ... -> v; the edge v -> w closes it
        const start = loop.indexOf([...loop].sort()[0]);
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        out.add([...rotated, rotated[0]].join(" -> "));
      }
    }
  }
  return out;
}

const runtimeGraph = new Map(files.map((f) => [f, [...imports.get(f).runtime].sort()]));
const fullGraph = new Map(files.map((f) => [f, [...imports.get(f).runtime, ...imports.get(f).types].sort()]));
const runtime = cyclesOf(runtimeGraph);
const found = new Map([...runtime].map((c) => [c, "run-time"]));
if (withTypes) for (const c of cyclesOf(fullGraph)) if (!found.has(c)) found.set(c, "through an import type");

const allowFile = join(repo, "scripts", "cycles-allowed.txt");
const allowed =
  root === join(repo, "src") && existsSync(allowFile)
    ? readFileSync(allowFile, "utf8")
        .split("\n")
        .map((l) => l.replace(/#.*/, "").trim())
        .filter(Boolean)
    : [];
const bad = [...found.keys()].sort().filter((c) => !allowed.includes(c));
const stale = allowed.filter((c) => !found.has(c));

for (const c of bad) console.error(`import cycle (${found.get(c)}): ${c}`);
for (const c of stale) console.error(`check-cycles: gone, remove it from scripts/cycles-allowed.txt: ${c}`);
const allowedNote = found.size > bad.length ? `, ${found.size - bad.length} allowed by scripts/cycles-allowed.txt` : "";
if (bad.length > 0 || stale.length > 0) {
  console.error(
    `check-cycles: ${bad.length} import cycle(s) in ${name(root)}/${allowedNote}. Move what both sides need into a ` +
      "module that imports neither of them (shared types into a types file, shared helpers into their own module).",
  );
  process.exit(1);
}
console.log(`check-cycles: ${files.length} modules in ${name(root)}/, no import cycles${allowedNote}`);
