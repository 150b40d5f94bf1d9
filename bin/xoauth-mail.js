#!/usr/bin/env node
// Launcher. `npm run build` compiles src/ into dist/src/ (the library, and the CLI's modules) and then the CLI into
// one file, dist/bundle/xoauth-mail.mjs, which is also the one-file distribution (scripts/bundle.mjs). The CLI runs
// from that file when it is there and not older than dist/src/: its start-up keeps V8's compiled code between runs
// (src/cli/bundle/), where Node 20 would load and compile some 200 modules each time (a cached `token` with a config
// file: 160 -> 85 ms, docs/benchmarks.md). dist/src/cli/bundle/run.js reads it (Node does not load the 4 MB file as a
// module). Otherwise (a build without esbuild, tsc run alone since, or no code cache possible here: caching off, an
// unwritable or refused cache dir, Windows, where the modules start faster than a bundle compiled on every run) it
// runs dist/src/cli/launch.js, the same code as modules.
import { statSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";

// Node >= 22.1 can keep V8's compiled code of ES modules on disk between runs (the modules path below, and this
// file). Used when the running Node has it; NODE_DISABLE_COMPILE_CACHE=1 turns it off, NODE_COMPILE_CACHE=DIR moves
// it (Node docs, "Module compile cache"). Node 20 has no such cache: nothing happens.
module.enableCompileCache?.();

const bundle = new URL("../dist/bundle/xoauth-mail.mjs", import.meta.url);
const modules = new URL("../dist/src/cli/launch.js", import.meta.url);

/** Whether `a` exists and is not older than `b` (npm packs every file with one fixed time: equal counts). */
function notOlder(a, b) {
  try {
    return statSync(a).mtimeMs >= statSync(b).mtimeMs;
  } catch {
    return false;
  }
}

/** Runs the CLI from the bundle; false when there is none to run (older than dist/src, no code cache possible, broken). */
async function fromBundle() {
  if (!notOlder(bundle, modules)) return false;
  try {
    const { codeCacheUsable, runBundle } = await import("../dist/src/cli/bundle/run.js");
    return codeCacheUsable() && runBundle(fileURLToPath(bundle));
  } catch (e) {
    // A broken or half-copied installation: say so, and run the same CLI from its modules.
    process.stderr.write(`xoauth-mail: cannot run ${fileURLToPath(bundle)} (${e?.message ?? e}); using dist/src\n`);
    return false;
  }
}

if (!(await fromBundle())) {
  const { tuneV8ForCli } = await import("../dist/src/cli/v8-flags.js");
  // Before the CLI is loaded (src/cli/v8-flags.ts says why).
  tuneV8ForCli();
  const { launch } = await import(modules.href);
  // Not awaited: a top-level await that never settles would end the process with Node's exit code 13 instead of the
  // message and exit code 1 that launch() gives a run that ended before it finished.
  launch(process.argv);
}
