/**
 * Preloaded into a CLI run by module-graph.test.ts (`NODE_OPTIONS=--import <this file>`, with XOAUTH_MAIL_MODULE_TRACE
 * set to a file): appends the URL of every ES module the run resolves (a resolve hook, module-trace-hooks.ts, which
 * writes from the hooks thread, so nothing is lost at exit) and, at exit, the file of every CommonJS module loaded.
 */
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const out = process.env.XOAUTH_MAIL_MODULE_TRACE;
if (out) {
  register("./module-trace-hooks.js", import.meta.url);
  const require = createRequire(import.meta.url);
  process.on("exit", () => {
    const cjs = Object.keys(require.cache).map((f) => pathToFileURL(f).href);
    appendFileSync(out, cjs.map((u) => `${u}\n`).join(""));
  });
}
