#!/usr/bin/env node
// Runs the compiled test files (dist/test/**/*.test.js) with node's test runner.
// `npm test` builds them first (npm run build:all); while iterating: npm run build:all && node scripts/run-tests.mjs auth/
// Node 20's `--test DIR` would also run helpers and fixtures, and it has no glob support, hence this list.
// Usage: node scripts/run-tests.mjs [substring ...]   (only files whose path contains one of the substrings)
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

function find(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...find(p));
    else if (e.name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = (existsSync("dist/test") ? find("dist/test") : [])
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(
    filters.length > 0 && existsSync("dist/test")
      ? `run-tests: no test file in dist/test has ${filters.join(" or ")} in its path`
      : "run-tests: no test files in dist/test: build them first with `npm run build:all` (`npm test` does; `npm run build` builds src/ only)",
  );
  process.exit(1);
}
const child = spawn(process.execPath, ["--test", "--test-concurrency=2", "--test-timeout=180000", ...files], {
  stdio: "inherit",
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
