#!/usr/bin/env node
// Fails (exit 1) when test support is imported from outside the one test harness (test/harness/). Part of
// `npm run lint`. Usage: node scripts/check-harness.mjs [root, default: this repository]
//
// Rules, for every relative import, re-export, import() and `new URL("...", import.meta.url)` that points into test/:
// - bench/**: only test/harness/** (benchmarks share the harness, never a test's own files);
// - test/**/*.test.ts: test/harness/** or a file in the test's own directory (no other test directory's files);
// - test/harness/**: only test/harness/** (the harness does not depend on tests).
// Type-only imports count too. Anything else under test/ (e.g. test/fuzz/run.ts, a program) is not checked.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
const HARNESS = "test/harness/";

function tsFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

const name = (f) => relative(repo, f).split("\\").join("/");
const TOKEN = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`|[^"'`/]+|\//g;
const BEFORE_SPEC = /(?:\bfrom|\bimport\s*\(?|\bnew URL\()\s*$/;

/** Relative specifiers of a source file: string literals right after `from`, `import`, `import(` or `new URL(` (not in
 * comments, and not an import written inside another string, e.g. a test's fixture text). */
function specifiers(src) {
  const out = [];
  let code = "";
  for (const [t] of src.matchAll(TOKEN)) {
    if (t.startsWith("/*") || t.startsWith("//")) code += " ";
    else if (t.startsWith('"') || t.startsWith("'")) {
      if (BEFORE_SPEC.test(code.slice(-24)) && /^.\.{1,2}\//.test(t)) out.push(t.slice(1, -1));
      code += '""';
    } else if (t.startsWith("`")) code += '""';
    else code += t;
  }
  return out;
}

/** The rule for `file` (repo-relative), or undefined if it is not checked. Returns an error text for a bad target. */
function ruleFor(file) {
  if (file.startsWith("bench/"))
    return (to) => (to.startsWith(HARNESS) ? undefined : "bench/ imports only test/harness/");
  if (file.startsWith(HARNESS))
    return (to) => (to.startsWith(HARNESS) ? undefined : "test/harness/ imports no test file");
  if (file.startsWith("test/") && file.endsWith(".test.ts")) {
    const own = `${dirname(file)}/`;
    return (to) =>
      to.startsWith(HARNESS) || (to.startsWith(own) && !to.slice(own.length).includes("/"))
        ? undefined
        : "a test imports test/harness/ or its own directory only";
  }
  return undefined;
}

const bad = [];
const files = [...tsFiles(join(repo, "test")), ...tsFiles(join(repo, "bench"))].sort();
for (const abs of files) {
  const file = name(abs);
  const rule = ruleFor(file);
  if (!rule) continue;
  for (const spec of specifiers(readFileSync(abs, "utf8"))) {
    const to = name(resolve(dirname(abs), spec));
    if (!to.startsWith("test/")) continue;
    const why = rule(to);
    if (why) bad.push(`${file}: imports ${spec} (${to}): ${why}`);
  }
}
for (const b of bad) console.error(b);
if (bad.length > 0) {
  console.error(
    `check-harness: ${bad.length} import(s) of test support outside test/harness/. Move the shared file into ` +
      "test/harness/ (git mv) and import it from there.",
  );
  process.exit(1);
}
console.log(`check-harness: ${files.length} files in test/ and bench/, test support only from test/harness/`);
