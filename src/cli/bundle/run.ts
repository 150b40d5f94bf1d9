/**
 * Runs the CLI from a bundle file (payload.ts describes it): reads the CLI's CommonJS text from the comment at the
 * end of the file, compiles it with the code cache of earlier runs of the same command (code-cache.ts) and runs it;
 * after the run it stores the cache when there was none or V8 rejected it. Used by the bundle's own launcher
 * (launcher.ts) and by bin/xoauth-mail.js, which so skips Node's loading of the 4 MB file as a module.
 */
import { closeSync, fstatSync, openSync, readFileSync, type Stats } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import vm from "node:vm";
import { tuneV8ForCli } from "../v8-flags.js";
import { CodeCache } from "./code-cache.js";
import { decodePayload } from "./payload.js";

interface CliExports {
  launch(argv: string[]): Promise<void>;
}

/**
 * Whether the bundle can keep its compiled code here (code-cache.ts, CodeCache.usable): bin/xoauth-mail.js runs the
 * CLI's modules instead when it cannot, which then start faster than a bundle compiled on every run.
 */
export const codeCacheUsable = (): boolean => CodeCache.usable();

/** Runs the CLI in `file` with process.argv; returns false (and does nothing) when the file holds no CLI. */
export function runBundle(file: string): boolean {
  // Before the CLI's code is compiled and run (src/cli/v8-flags.ts says why).
  tuneV8ForCli();
  const fd = openSync(file, "r");
  let bytes: Buffer;
  let st: Stats;
  try {
    st = fstatSync(fd);
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  const payload = decodePayload(bytes);
  if (!payload) return false;
  const cache = CodeCache.forBundle(
    { buildId: payload.buildId, sourceLength: payload.source.length, file: `${st.size}-${st.mtimeMs}-${st.ino}` },
    process.argv,
  );
  let cachedData = cache?.read();
  // The text is a CommonJS wrapper function (scripts/bundle.mjs); `lineOffset` makes stack traces give the line in
  // the file.
  const script = new vm.Script(payload.source, {
    filename: file,
    lineOffset: payload.line,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  // Written after the run when there was none or V8 rejected it; the buffer itself is not kept for the run.
  const store = cache !== undefined && (cachedData === undefined || script.cachedDataRejected === true);
  cachedData = undefined;
  const module = { exports: {} as CliExports };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.exports.launch(process.argv).finally(() => {
    if (store) cache?.write(() => script.createCachedData());
  });
  return true;
}
