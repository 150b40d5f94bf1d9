#!/usr/bin/env node
// `npm test [-- substring ...]`: gets what the suite needs (scripts/test-deps.mjs: installs it as root on
// Debian/Ubuntu, else says which tests are skipped), builds everything (npm run build:all: src, test, bench, scripts)
// and runs the tests (scripts/run-tests.mjs, with the substrings if given). What is skipped is said again at the end.
import { spawnSync } from "node:child_process";
import { banner, prepareTestDeps } from "./test-deps.mjs";

let deps;
try {
  deps = prepareTestDeps();
} catch (e) {
  process.stderr.write(`test-deps: ${e.message}\n`);
  process.exit(1);
}
process.stderr.write(deps.summary ? `${deps.summary}\n` : banner(deps.warnings));

/** Runs a step with the inherited terminal; the exit code of the first failing step is ours. */
function step(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env, shell: process.platform === "win32" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Under npm, npm_execpath is the npm that runs us; elsewhere the one on PATH.
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["npm"];
step(npm[0], [...npm.slice(1), "run", "--silent", "build:all"]);
const tests = spawnSync(process.execPath, ["scripts/run-tests.mjs", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, ...deps.env },
});
if (deps.warnings.length > 0) process.stderr.write(`\nNot everything was tested:\n${banner(deps.warnings)}`);
process.exit(tests.status ?? 1);
