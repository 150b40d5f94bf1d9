/**
 * docs/troubleshooting.md and docs/cli-reference.md are generated from the code (scripts/docs/): this test renders
 * them and compares. After changing the catalog, an error code or a command's options/help, run `npm run docs`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { GENERATED_DOCS } from "../../scripts/docs/generated.js";
import { fullProgram, HELP_WIDTH, helpText } from "../../scripts/docs/render-cli-reference.js";
import { escapeMd, renderTroubleshooting } from "../../scripts/docs/render-troubleshooting.js";
import { HAND_WRITTEN } from "../../scripts/docs/troubleshooting-entries.js";
import { ERROR_CODES } from "../../src/errors.js";
import { codeText } from "../../src/i18n/index.js";
import { REPO_ROOT } from "../harness/cli.js";

for (const doc of GENERATED_DOCS) {
  test(`${doc.path} equals the page rendered from the code (npm run docs rewrites it)`, async () => {
    const stale = `${doc.path} is stale: regenerate it with npm run docs`;
    assert.equal(readFileSync(join(REPO_ROOT, doc.path), "utf8"), await doc.render(), stale);
  });
}

test("the troubleshooting page has one section per error code, in the order of src/errors.ts", () => {
  const headings = [...renderTroubleshooting().matchAll(/^### `([A-Z_0-9]+)` — exit \d \(\w+\)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, [...ERROR_CODES]);
});

test("a hand-written troubleshooting entry exists only for codes the catalog has no text for", () => {
  for (const code of Object.keys(HAND_WRITTEN)) {
    assert.equal(codeText(code as (typeof ERROR_CODES)[number], {}, "en"), undefined, `${code} now has catalog text`);
  }
});

test("placeholders are escaped outside code spans only", () => {
  assert.equal(escapeMd("run `a <b>` for <tenant>"), "run `a <b>` for &lt;tenant>");
});

test("the help text does not depend on the terminal width or colour support", async () => {
  const program = await fullProgram();
  const before = helpText(program);
  const out = process.stdout as { isTTY?: boolean; columns?: number };
  const saved = { isTTY: out.isTTY, columns: out.columns, force: process.env.FORCE_COLOR };
  Object.assign(out, { isTTY: true, columns: HELP_WIDTH / 2 });
  process.env.FORCE_COLOR = "3";
  try {
    assert.equal(helpText(program), before);
  } finally {
    Object.assign(out, { isTTY: saved.isTTY, columns: saved.columns });
    if (saved.force === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = saved.force;
  }
  assert.match(before, /^Usage: xoauth-mail /);
});
