/**
 * bin/xoauth-mail.js and src/cli/launch.ts, the launcher: a run whose event loop empties while the command's promise
 * is still pending (a wait nothing can settle: a bug) must not end as a silent exit 0, which a cron job takes for
 * success. The launcher is run against stand-in `main` modules in a temporary tree laid out like the package (bin/
 * next to dist/src/cli/, with the built launch.js and v8-flags.js).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, it } from "node:test";

const LAUNCHER = resolve("bin", "xoauth-mail.js");
const BUILT_CLI = resolve("dist", "src", "cli");
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function launch(mainSource: string) {
  const root = mkdtempSync(join(tmpdir(), "launcher-"));
  dirs.push(root);
  mkdirSync(join(root, "bin"));
  mkdirSync(join(root, "dist", "src", "cli"), { recursive: true });
  copyFileSync(LAUNCHER, join(root, "bin", "xoauth-mail.js"));
  for (const f of ["launch.js", "v8-flags.js"]) copyFileSync(join(BUILT_CLI, f), join(root, "dist", "src", "cli", f));
  writeFileSync(join(root, "package.json"), '{ "type": "module" }\n');
  writeFileSync(join(root, "dist", "src", "cli", "main.js"), mainSource);
  return spawnSync(process.execPath, [join(root, "bin", "xoauth-mail.js")], { encoding: "utf8", timeout: 30_000 });
}

it("a command promise that can never settle: exit 1 and an internal-error line, not a silent 0", () => {
  const r = launch("export const main = () => new Promise(() => {});\n");
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^xoauth-mail: internal error: the run ended before it finished/);
});

it("a command that finishes: its exit code, nothing added", () => {
  const ok = launch("export const main = async () => { process.stdout.write('done\\n'); return 0; };\n");
  assert.deepEqual([ok.status, ok.stdout, ok.stderr], [0, "done\n", ""]);
  const four = launch("export const main = async () => 4;\n");
  assert.deepEqual([four.status, four.stderr], [4, ""]);
});

it("a command that throws: exit 1 with the error", () => {
  const r = launch("export const main = async () => { throw new Error('boom'); };\n");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^xoauth-mail: unexpected error: Error: boom/);
});
