/**
 * imapflow is loaded once, as its CommonJS build, through src/imap/imapflow.ts (it costs ~10 MB less resident memory
 * than the ESM build). A second copy (an `import ... from "imapflow"` elsewhere) would cost that memory again and
 * split the class: a patch or instanceof on one copy would not see the other.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { ImapFlow } from "../../src/imap/imapflow.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

it("src/imap/imapflow.ts hands out imapflow's CommonJS build", () => {
  const require = createRequire(import.meta.url);
  const cjs = require("imapflow") as { ImapFlow: unknown };
  assert.equal(ImapFlow, cjs.ImapFlow);
  assert.match(require.resolve("imapflow"), /[/\\]dist[/\\]cjs[/\\]/);
});

it("no other source file imports imapflow's value exports directly (type-only imports are fine)", () => {
  const offenders = tsFiles(SRC)
    .filter((f) => !f.endsWith(join("imap", "imapflow.ts")))
    .filter((f) => /^\s*import\s+(?!type\b)[^;]*from\s+["']imapflow["']/m.test(readFileSync(f, "utf8")))
    .map((f) => relative(SRC, f));
  assert.deepEqual(offenders, []);
});
