/**
 * docs/exchange-behaviour.md is hand-written around two generated sections: the Exchange behaviour table
 * (src/exchange/contract.ts) and the Microsoft Graph section (src/exchange/graph-replies.ts, src/auth/clouds.ts).
 * This renders the page as it is with both sections replaced (src/exchange/render-doc.ts).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spliceAllGenerated } from "../../src/exchange/render-doc.js";

/** Compiled to dist/scripts/docs/: the repository root is three levels up. */
const PAGE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "exchange-behaviour.md");

export function renderExchangeBehaviour(): string {
  return spliceAllGenerated(readFileSync(PAGE, "utf8"));
}
