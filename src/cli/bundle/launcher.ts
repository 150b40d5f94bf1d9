#!/usr/bin/env node
/**
 * The one-file bundle's entry (scripts/bundle.mjs builds it; payload.ts describes the file). It sets the CLI's V8
 * flags, reads the CLI's code from the comment at the end of its own file, compiles it with the code cache of earlier
 * runs (code-cache.ts) and runs it; after the run it stores the cache when there was none or V8 rejected it.
 * Only meaningful inside the bundle: the unbundled CLI starts from bin/xoauth-mail.js.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { keepInitialSemiSpaces } from "../v8-flags.js";
import { CodeCache } from "./code-cache.js";
import { decodePayload } from "./payload.js";

/** The bundled code's hash, set by scripts/bundle.mjs (`define`). */
declare const XOAUTH_MAIL_BUILD_ID: string;

keepInitialSemiSpaces();

const file = fileURLToPath(import.meta.url);
const payload = decodePayload(readFileSync(file, "latin1"));
if (!payload) {
  process.stderr.write(`xoauth-mail: ${file} holds no bundled CLI (run bin/xoauth-mail.js, or build the bundle)\n`);
  process.exit(1);
}

const cache = CodeCache.forBundle(XOAUTH_MAIL_BUILD_ID, process.argv);
const cachedData = cache?.read();
// CommonJS's own wrapper; `lineOffset` makes stack traces give the line in this file.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${payload.source}\n})`, {
  filename: file,
  lineOffset: payload.line,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const module = { exports: {} as { launch(argv: string[]): Promise<void> } };
script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));

module.exports.launch(process.argv).finally(() => {
  if (cache && (!cachedData || script.cachedDataRejected)) cache.write(script.createCachedData());
});
