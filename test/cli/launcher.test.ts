/**
 * bin/xoauth-mail.js and src/cli/launch.ts, the launcher: a run whose event loop empties while the command's promise
 * is still pending (a wait nothing can settle: a bug) must not end as a silent exit 0, which a cron job takes for
 * success. The launcher is run against stand-in `main` modules in a temporary tree laid out like the package (bin/
 * next to dist/src/cli/, with the built launch.js and v8-flags.js).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { commandLineKind } from "../../src/cli/bundle/code-cache.js";
import { encodePayload } from "../../src/cli/bundle/payload.js";

const LAUNCHER = resolve("bin", "xoauth-mail.js");
const BUILT_SRC = resolve("dist", "src");
const BUILT_CLI = join(BUILT_SRC, "cli");
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

describe("bin/xoauth-mail.js with a bundle (dist/bundle/xoauth-mail.mjs)", () => {
  /** A package tree whose bundle and modules each say where the run came from. */
  function tree(): string {
    const root = mkdtempSync(join(tmpdir(), "launcher-bundle-"));
    dirs.push(root);
    for (const d of ["bin", "dist/bundle", "dist/src/cli/bundle", "dist/src/cli/commands", "dist/src/auth"]) {
      mkdirSync(join(root, d), { recursive: true });
    }
    copyFileSync(LAUNCHER, join(root, "bin", "xoauth-mail.js"));
    writeFileSync(join(root, "package.json"), '{ "type": "module" }\n');
    for (const f of [
      "cli/launch.js",
      "cli/v8-flags.js",
      "cli/bundle/run.js",
      "cli/bundle/code-cache.js",
      "cli/bundle/payload.js",
      "cli/commands/names.js",
      "auth/cache-dir.js",
      "read-fd.js",
    ]) {
      copyFileSync(join(BUILT_SRC, f), join(root, "dist", "src", f));
    }
    writeFileSync(
      join(root, "dist", "src", "cli", "main.js"),
      "export const main = async () => { process.stdout.write('modules\\n'); return 0; };\n",
    );
    const cli =
      "(function (exports) { exports.launch = async (argv) => { process.stdout.write('bundle ' + argv.slice(2).join(' ') + '\\n'); process.exitCode = 3; }; })";
    writeFileSync(
      join(root, "dist", "bundle", "xoauth-mail.mjs"),
      `// launcher\n${encodePayload(cli, "feedfacecafebeef")}`,
    );
    return root;
  }
  const run = (root: string, home: string) =>
    spawnSync(process.execPath, [join(root, "bin", "xoauth-mail.js"), "token", "-x"], {
      encoding: "utf8",
      timeout: 30_000,
      env: { PATH: process.env.PATH, HOME: home },
    });

  it("runs the CLI from the bundle (and keeps its code cache) when the bundle is not older than dist/src", () => {
    const root = tree();
    const t = new Date("2026-01-01T00:00:00Z");
    utimesSync(join(root, "dist", "src", "cli", "launch.js"), t, t);
    utimesSync(join(root, "dist", "bundle", "xoauth-mail.mjs"), t, t);
    const r = run(root, root);
    assert.deepEqual([r.status, r.stdout, r.stderr], [3, "bundle token -x\n", ""]);
    const code = join(root, ".cache", "xoauth-mail", "code");
    const kind = commandLineKind(["token", "-x"]);
    assert.deepEqual(readdirSync(code), [`feedfacecafebeef-${kind}-${process.version}-${process.arch}.v8`]);
  });

  it("runs dist/src where no code cache can be kept (switched off, or a cache dir others can write)", () => {
    const root = tree();
    const t = new Date("2026-01-01T00:00:00Z");
    utimesSync(join(root, "dist", "src", "cli", "launch.js"), t, t);
    utimesSync(join(root, "dist", "bundle", "xoauth-mail.mjs"), t, t);
    const off = spawnSync(process.execPath, [join(root, "bin", "xoauth-mail.js"), "token", "-x"], {
      encoding: "utf8",
      timeout: 30_000,
      env: { PATH: process.env.PATH, HOME: root, NODE_DISABLE_COMPILE_CACHE: "1" },
    });
    assert.deepEqual([off.status, off.stdout, off.stderr], [0, "modules\n", ""]);
    const code = join(root, ".cache", "xoauth-mail", "code");
    mkdirSync(code, { recursive: true });
    chmodSync(code, 0o777);
    const r = run(root, root);
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, "modules\n", ""]);
    assert.deepEqual(readdirSync(code), [], "nothing written into it");
    chmodSync(code, 0o700);
    assert.equal(run(root, root).stdout, "bundle token -x\n", "the control: a private cache dir");
  });

  it("runs dist/src when tsc wrote it after the bundle (a stale bundle is never run)", () => {
    const root = tree();
    utimesSync(join(root, "dist", "bundle", "xoauth-mail.mjs"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const r = run(root, root);
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, "modules\n", ""]);
  });

  it("a bundle that cannot run (its code throws while loading): says so once, then runs dist/src", () => {
    const root = tree();
    const broken = "(function () { throw new Error('half-copied'); })";
    writeFileSync(
      join(root, "dist", "bundle", "xoauth-mail.mjs"),
      `// launcher\n${encodePayload(broken, "feedfacecafebeef")}`,
    );
    const r = run(root, root);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "modules\n");
    assert.match(r.stderr, /^xoauth-mail: cannot run .*xoauth-mail\.mjs \(half-copied\); using dist\/src\n$/);
  });

  it("runs dist/src when the bundle file holds no CLI", () => {
    const root = tree();
    writeFileSync(join(root, "dist", "bundle", "xoauth-mail.mjs"), "// truncated\n");
    const r = run(root, root);
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, "modules\n", ""]);
  });
});
