#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ into dist/ by `npm run build` (run by `prepare`).
import module from "node:module";
import { keepInitialSemiSpaces } from "../dist/src/cli/v8-flags.js";

// Start-up: Node >= 22.1 can keep V8's compiled code of the modules on disk between runs (a `token` run as a password
// command starts many times a day). Used when the running Node has it; NODE_DISABLE_COMPILE_CACHE=1 turns it off,
// NODE_COMPILE_CACHE=DIR moves it (Node docs, "Module compile cache"). Node 20 has no such cache: nothing happens.
module.enableCompileCache?.();

// Before anything else is loaded (src/cli/v8-flags.ts says why).
keepInitialSemiSpaces();

const { launch } = await import("../dist/src/cli/launch.js");
// Not awaited: a top-level await that never settles would end the process with Node's exit code 13 instead of the
// message and exit code 1 that launch() gives a run that ended before it finished.
launch(process.argv);
