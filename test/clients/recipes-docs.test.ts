/** The recipe blocks that test/clients/ runs are the same in docs/clients.md and docs/de/clients.md. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "../harness/cli.js";

function recipes(file: string): Map<string, string> {
  const page = readFileSync(join(REPO_ROOT, file), "utf8");
  return new Map(
    [...page.matchAll(/<!-- recipe: ([a-z0-9-]+) -->\n```[a-z]*\n([\s\S]*?)```\n/g)].map((m) => [
      m[1] ?? "",
      m[2] ?? "",
    ]),
  );
}

test("docs/de/clients.md shows the tested recipes of docs/clients.md unchanged", () => {
  const en = recipes("docs/clients.md");
  assert.deepEqual([...en.keys()].sort(), [
    "getmail-imap",
    "getmail-pop3-proxy",
    "mbsync",
    "msmtp",
    "mutt",
    "mutt-pop3",
  ]);
  assert.deepEqual(recipes("docs/de/clients.md"), en);
});
