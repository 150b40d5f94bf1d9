/**
 * imapflow, loaded as its CommonJS build through require(). The package ships the same code as ESM and CJS; on
 * Node 20 importing the ESM build costs ~10 MB more resident memory (module records and retained sources of ~150
 * modules) than requiring the CJS one: measured 68-72 MB vs 60 MB peak RSS for a bare load. That difference decides
 * whether `fetch` of a 100 MB message stays under 80 MB (bench/memory-100mb.ts).
 */
import { createRequire } from "node:module";
import type * as Imapflow from "imapflow";

const require = createRequire(import.meta.url);

export const { ImapFlow } = require("imapflow") as typeof Imapflow;
export type ImapFlow = Imapflow.ImapFlow;
