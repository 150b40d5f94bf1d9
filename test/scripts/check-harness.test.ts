/** scripts/check-harness.mjs (part of `npm run lint`): test support is imported from test/harness/ only. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "../harness/cli.js";

const SCRIPT = join(REPO_ROOT, "scripts", "check-harness.mjs");

/** Runs the checker on a repository root holding the given files (paths relative to the root). */
function check(files: Record<string, string>): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), "xoauth-harness-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: "utf8" });
    return { code: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HARNESS = {
  "test/harness/world.ts": 'import { x } from "../../src/x.js";\nexport const w = x;\n',
  "test/harness/dovecot/dovecot.ts": 'export * from "../world.js";\n',
};

test("tests and bench importing test/harness/, a test's own directory and src/ pass", () => {
  const r = check({
    ...HARNESS,
    "test/fetch/a.test.ts": 'import { w } from "../harness/world.js";\nimport { y } from "./local.js";\n',
    "test/fetch/local.ts": "export const y = 1;\n",
    "bench/env.ts": 'import type { w } from "../test/harness/dovecot/dovecot.js";\nimport "../src/x.js";\n',
  });
  assert.equal(r.code, 0, r.out);
});

test("bench importing a test file outside test/harness/ fails and names the import", () => {
  const r = check({ ...HARNESS, "bench/env.ts": 'import { y } from "../test/fetch/env.js";\n' });
  assert.equal(r.code, 1);
  assert.match(
    r.out,
    /bench\/env\.ts: imports \.\.\/test\/fetch\/env\.js \(test\/fetch\/env\.js\): bench\/ imports only/,
  );
});

test("a test importing another test directory's file fails, also through import() and import type", () => {
  for (const line of [
    'import { y } from "../proxy/helpers.js";',
    'import type { Y } from "../proxy/helpers.js";',
    'const m = await import("../proxy/helpers.js");',
    'const CHILD = new URL("./sub/child.js", import.meta.url);',
  ]) {
    const r = check({ ...HARNESS, "test/fetch/a.test.ts": `${line}\n` });
    assert.equal(r.code, 1, line);
    assert.match(
      r.out,
      /test\/fetch\/a\.test\.ts: imports .*: a test imports test\/harness\/ or its own directory only/,
    );
  }
});

test("the harness importing a test directory's file fails; a commented-out import does not count", () => {
  const r = check({ ...HARNESS, "test/harness/e2e.ts": 'import { y } from "../fetch/local.js";\n' });
  assert.equal(r.code, 1);
  assert.match(r.out, /test\/harness\/ imports no test file/);
  assert.equal(check({ ...HARNESS, "bench/x.ts": '// import { y } from "../test/fetch/env.js";\n' }).code, 0);
});
