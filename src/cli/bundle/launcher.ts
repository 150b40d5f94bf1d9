#!/usr/bin/env node
/**
 * The one-file bundle's entry (scripts/bundle.mjs builds it; payload.ts describes the file): runs the CLI from the
 * comment at the end of this same file (run.ts). Only meaningful inside the bundle.
 */
import { fileURLToPath } from "node:url";
import { runBundle } from "./run.js";

const file = fileURLToPath(import.meta.url);
if (!runBundle(file)) {
  process.stderr.write(`xoauth-mail: ${file} holds no bundled CLI (run bin/xoauth-mail.js, or build the bundle)\n`);
  process.exitCode = 1;
}
