/**
 * The package as published: the `exports` map (root, `./sandbox`, nothing internal), what the root loads, and a
 * consumer project type-checked with tsc against the built `.d.ts` (node16 resolution, skipLibCheck off).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = join(root, "test/api/consumer");
const work = mkdtempSync(join(tmpdir(), "xoauth-consumer-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Relative modules (static imports and re-exports only) reachable from `file`, and the packages they import. */
function staticGraph(file: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (f: string): void => {
    if (files.has(f)) return;
    files.add(f);
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(
      /^\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm,
    )) {
      const spec = (m[1] ?? m[2]) as string;
      if (spec.startsWith(".")) walk(resolve(dirname(f), spec));
      else packages.add(spec);
    }
  };
  walk(file);
  return { files, packages };
}

test("the root entry resolves by name and loads neither the CLI, the proxy nor the sandbox", () => {
  const entry = fileURLToPath(import.meta.resolve("xoauth-mail"));
  assert.equal(entry, join(root, "dist/src/index.js"));
  const { files, packages } = staticGraph(entry);
  const inside = [...files].map((f) => f.slice(join(root, "dist/src/").length));
  assert.deepEqual(
    inside.filter((f) => /^(cli|proxy|sandbox|init)\//.test(f)),
    [],
  );
  for (const p of ["commander", "@inquirer/prompts", "smtp-server", "node-forge"]) assert.ok(!packages.has(p), p);
  assert.equal(fileURLToPath(import.meta.resolve("xoauth-mail/sandbox")), join(root, "dist/src/api/sandbox.js"));
});

test("internal paths are not exported", async () => {
  await assert.rejects(import("xoauth-mail/dist/src/errors.js" as string), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, unknown> };
  assert.deepEqual(Object.keys(pkg.exports), [".", "./sandbox", "./package.json"]);
});

/** Type-checks one fixture as the consumer project's only file; returns tsc's status and output. */
function tsc(fixture: string): { status: number | null; out: string } {
  const dir = join(work, fixture.replace(/\..*$/, ""));
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  symlinkSync(root, join(dir, "node_modules/xoauth-mail"), "dir");
  for (const p of ["nodemailer", "@types/nodemailer", "@types/node"]) {
    symlinkSync(join(root, "node_modules", p), join(dir, "node_modules", p), "dir");
  }
  copyFileSync(join(fixtures, fixture), join(dir, "index.ts"));
  writeFileSync(
    join(dir, "tsconfig.json"),
    readFileSync(join(fixtures, "tsconfig.json.txt"), "utf8").replace("FILE", "index.ts"),
  );
  const r = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir], {
    encoding: "utf8",
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test("a consumer project type-checks against the published .d.ts", () => {
  const r = tsc("consumer.ts.txt");
  assert.equal(r.status, 0, r.out);
});

test("a consumer cannot reach internal modules through xoauth-mail/dist/...", () => {
  const r = tsc("internal.ts.txt");
  assert.notEqual(r.status, 0);
  assert.match(r.out, /xoauth-mail\/dist\/src\/auth\/provider\.js/);
});
