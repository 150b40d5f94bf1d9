/**
 * docs/troubleshooting.md and docs/cli-reference.md are generated from the code: this test renders them and compares.
 * After changing the catalog, an error code or a command's options/help, regenerate them:
 *   npx tsc -p tsconfig.json && XOAUTH_UPDATE_DOCS=1 node --test dist/test/docs/generated-docs.test.js
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ERROR_CODES } from "../../src/errors.js";
import { codeText } from "../../src/i18n/index.js";
import { REPO_ROOT } from "../helpers/cli.js";
import { fullProgram, HELP_WIDTH, helpText, renderCliReference } from "./render-cli-reference.js";
import { escapeMd, renderTroubleshooting } from "./render-troubleshooting.js";
import { HAND_WRITTEN } from "./troubleshooting-entries.js";

const TROUBLESHOOTING = join(REPO_ROOT, "docs", "troubleshooting.md");
const CLI_REFERENCE = join(REPO_ROOT, "docs", "cli-reference.md");
const UPDATE = process.env.XOAUTH_UPDATE_DOCS === "1";

function check(file: string, rendered: string): void {
  if (UPDATE) writeFileSync(file, rendered);
  assert.equal(readFileSync(file, "utf8"), rendered, `${file} is stale: regenerate it with XOAUTH_UPDATE_DOCS=1`);
}

test("docs/troubleshooting.md equals the page rendered from the message catalog (XOAUTH_UPDATE_DOCS=1 rewrites it)", () => {
  check(TROUBLESHOOTING, renderTroubleshooting());
});

test("docs/cli-reference.md equals the --help of every command (XOAUTH_UPDATE_DOCS=1 rewrites it)", async () => {
  check(CLI_REFERENCE, await renderCliReference());
});

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
