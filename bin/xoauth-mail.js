#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli/main.ts into dist/ by `npm run build` (run by `prepare`).
import { writeSync } from "node:fs";
import module from "node:module";
import { setFlagsFromString } from "node:v8";

// Start-up: Node >= 22.1 can keep V8's compiled code of the modules on disk between runs (a `token` run as a password
// command starts many times a day). Used when the running Node has it; NODE_DISABLE_COMPILE_CACHE=1 turns it off,
// NODE_COMPILE_CACHE=DIR moves it (Node docs, "Module compile cache"). Node 20 has no such cache: nothing happens.
module.enableCompileCache?.();

// Memory: V8 doubles its young generation (up to 2 x 16 MB semi-spaces) whenever a scavenge keeps much alive, which
// module loading always does; the grown space then stays for the whole run and each streamed message chunk is
// garbage that waits in it. Keeping the initial 1 MB semi-spaces is what holds `fetch` of a 100 MB message under
// 80 MB RSS (POP3 94 -> 71 MB, see bench/memory-100mb.ts and docs/benchmarks.md); the extra scavenges cost no
// measurable time. Set before anything else is loaded. Only the CLI does this: as a library we leave the host's
// V8 alone. An explicit --max-semi-space-size / --semi-space-growth-factor in NODE_OPTIONS wins.
if (!/semi[-_]space/.test(process.env.NODE_OPTIONS ?? "") && !process.execArgv.some((a) => /semi[-_]space/.test(a))) {
  setFlagsFromString("--semi-space-growth-factor=1");
}

const { main } = await import("../dist/src/cli/main.js");

// A closed pipe (`xoauth-mail --help | head -3`, `token | cut ...`) is not an error: stop quietly like other tools.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err && err.code === "EPIPE") {
      running = false;
      process.exit(process.exitCode ?? 0);
    }
    throw err;
  });
}

// Node ends a process whose event loop is empty even while a promise is still pending, with exit code 0 and no
// output. For a cron job that is a silent "success" of a run that did not finish (a bug: some wait that no socket,
// timer or file operation can ever settle). Say so and exit 1 instead.
let running = true;
process.on("exit", (code) => {
  if (!running || code !== 0) return;
  writeSync(
    2,
    "xoauth-mail: internal error: the run ended before it finished (nothing was left to wait for). This is a bug; please report it with the command line and its --verbose output.\n",
  );
  process.exitCode = 1;
});

main(process.argv)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`xoauth-mail: unexpected error: ${err?.stack ?? err}\n`);
      process.exitCode = 1;
    },
  )
  .finally(() => {
    running = false;
  });
