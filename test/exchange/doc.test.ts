/**
 * docs/exchange-behaviour.md: its per-situation section is generated from src/exchange/contract.ts. After changing the
 * table, regenerate it: npx tsc -p tsconfig.json && XOAUTH_UPDATE_DOCS=1 node --test dist/test/exchange/doc.test.js
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { REPLIES, SITUATIONS } from "../../src/exchange/contract.js";
import { BEGIN_MARKER, END_MARKER, renderContractSection, spliceGenerated } from "../../src/exchange/render-doc.js";
import { REPO_ROOT } from "../harness/cli.js";

const PAGE = join(REPO_ROOT, "docs", "exchange-behaviour.md");

test("docs/exchange-behaviour.md's generated section equals the table (XOAUTH_UPDATE_DOCS=1 rewrites it)", () => {
  const page = readFileSync(PAGE, "utf8");
  const fresh = spliceGenerated(page);
  if (process.env.XOAUTH_UPDATE_DOCS === "1") writeFileSync(PAGE, fresh);
  assert.equal(readFileSync(PAGE, "utf8"), fresh, `${PAGE} is stale: regenerate it with XOAUTH_UPDATE_DOCS=1`);
});

test("the generated section names every situation and reply", () => {
  const s = renderContractSection();
  for (const row of [...SITUATIONS, ...REPLIES]) assert.ok(s.includes(`\`${row.id}\``), row.id);
});

test("splicing replaces only what lies between the markers", () => {
  const page = `intro\n${BEGIN_MARKER}\nold\n${END_MARKER}\noutro\n`;
  assert.equal(spliceGenerated(page, "new"), `intro\n${BEGIN_MARKER}\nnew\n${END_MARKER}\noutro\n`);
  assert.throws(() => spliceGenerated("no markers"), /markers/);
});

test("the page refers to no document outside the repository", () => {
  // Built from parts so that this test itself does not show up in a search for such references.
  const outside = new RegExp(`${"reference"} ${"section"}|${"shared"}/${"reference"}`, "i");
  assert.doesNotMatch(readFileSync(PAGE, "utf8"), outside);
});
