/** scripts/check-cycles.mjs (part of `npm run lint`): which imports make a cycle, and how it is reported. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "../harness/cli.js";

const SCRIPT = join(REPO_ROOT, "scripts", "check-cycles.mjs");

/** Runs the checker on a directory holding the given files. */
function check(files: Record<string, string>, ...flags: string[]): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), "xoauth-cycles-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync(process.execPath, [SCRIPT, ...flags, dir], { encoding: "utf8" });
    return { code: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a run-time cycle fails and is printed as a path a -> b -> a", () => {
  const r = check({
    "a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
    "b.ts": '// import { nothing } from "./c.js";\nimport { a } from "./a.js";\nexport const b = () => a;\n',
  });
  assert.equal(r.code, 1);
  assert.match(r.out, /import cycle \(run-time\): \S*a\.ts -> \S*b\.ts -> \S*a\.ts\n/);
  assert.match(r.out, /1 import cycle\(s\)/);
});

test("a cycle through a lazily loaded module counts (import())", () => {
  const r = check({
    "engine.ts": 'export const load = () => import("./pass.js");\nexport const helper = 1;\n',
    "pass.ts": 'import { helper } from "./engine.js";\nexport const pass = helper;\n',
  });
  assert.equal(r.code, 1);
  assert.match(r.out, /import cycle \(run-time\): \S*engine\.ts -> \S*pass\.ts -> \S*engine\.ts/);
});

test("a cycle closed by a type-only import fails too, labelled; --runtime-only lets it pass", () => {
  const files = {
    "main.ts": 'import { run } from "./cmd.js";\nexport interface Ctx { code: number }\nexport const main = run;\n',
    "cmd.ts": 'import type { Ctx } from "./main.js";\nexport const run = (c: Ctx) => c.code;\n',
  };
  const r = check(files);
  assert.equal(r.code, 1);
  assert.match(r.out, /import cycle \(through an import type\): \S*cmd\.ts -> \S*main\.ts -> \S*cmd\.ts/);
  assert.equal(check(files, "--runtime-only").code, 0);
  const braces = { ...files, "cmd.ts": 'import { type Ctx } from "./main.js";\nexport const run = (c: Ctx) => c;\n' };
  assert.equal(check(braces, "--runtime-only").code, 0);
});

test("re-exports are edges; modules that import each other through a third module without a way back pass", () => {
  const cycle = check({
    "index.ts": 'export * from "./a.js";\n',
    "a.ts": 'export { x } from "./index.js";\n',
  });
  assert.equal(cycle.code, 1);
  const clean = check({
    "types.ts": "export interface Ctx { code: number }\n",
    "main.ts":
      'import { run } from "./cmd.js";\nimport type { Ctx } from "./types.js";\nexport const m = (c: Ctx) => run(c);\n',
    "cmd.ts":
      'import type { Ctx } from "./types.js";\nexport const run = (c: Ctx) => c.code;\nconst s = "from \'./main.js\'";\n',
  });
  assert.equal(clean.code, 0, clean.out);
  assert.match(clean.out, /3 modules .*no import cycles/);
});
