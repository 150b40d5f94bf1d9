/**
 * `npm run docs`: rewrites the generated pages of docs/ (docs/cli-reference.md from every command's --help,
 * docs/troubleshooting.md from the message catalog and src/errors.ts) and says which ones changed. Run it after
 * changing a command's options or help, an error code or a catalog text; the test suite fails until you do.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GENERATED_DOCS } from "./generated.js";

/** Compiled to dist/scripts/docs/main.js: the repository root is three levels up. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

for (const doc of GENERATED_DOCS) {
  const file = join(ROOT, doc.path);
  const text = await doc.render();
  let before: string | undefined;
  try {
    before = readFileSync(file, "utf8");
  } catch {
    before = undefined;
  }
  if (before === text) {
    process.stdout.write(`docs: ${doc.path} unchanged\n`);
    continue;
  }
  writeFileSync(file, text);
  process.stdout.write(`docs: ${doc.path} ${before === undefined ? "written" : "updated"}\n`);
}
