/**
 * docs/exchange-behaviour.md's Graph section is rendered from src/exchange/graph-replies.ts and src/auth/clouds.ts
 * (src/exchange/render-doc.ts); test/docs/generated-docs.test.ts compares the committed page with the rendering. These
 * tests check that the rendering carries every fact of the table, and that the two generated sections stay apart.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CLOUDS } from "../../src/auth/clouds.js";
import { SITUATIONS } from "../../src/exchange/contract.js";
import { GRAPH_REPLIES, type GraphReplyId, graphReply } from "../../src/exchange/graph-replies.js";
import {
  BEGIN_MARKER,
  END_MARKER,
  GRAPH_BEGIN_MARKER,
  GRAPH_END_MARKER,
  renderContractSection,
  renderGraphSection,
  spliceAllGenerated,
} from "../../src/exchange/render-doc.js";
import { REPO_ROOT } from "../harness/cli.js";

test("the Graph section has one row per Graph answer with its status, code, message, diagnosis and kind", () => {
  const section = renderGraphSection();
  const rows = section.split("\n").filter((l) => GRAPH_REPLIES.some((r) => l.startsWith(`| \`${r.id}\` |`)));
  assert.deepEqual(
    rows.map((r) => r.split(" | ")[0]?.slice(3, -1)),
    GRAPH_REPLIES.map((r) => r.id),
  );
  for (const [i, r] of GRAPH_REPLIES.entries()) {
    const row = rows[i] ?? "";
    assert.ok(row.includes(` | ${r.status} | \`${r.code}\` | `), `${r.id}: status and code`);
    if (r.message) assert.ok(row.includes(`\`${r.message.replace(/\|/g, "\\|")}\``), `${r.id}: message`);
    assert.ok(row.includes(`\`${r.ourCode}\`, ${r.kind}`), `${r.id}: diagnosis`);
    assert.equal(row.includes("| yes |"), r.retryAfter === true, `${r.id}: Retry-After`);
  }
});

test("the Graph section lists every source of the table and the Graph host and scope of every cloud", () => {
  const section = renderGraphSection();
  for (const s of new Set(GRAPH_REPLIES.flatMap((r) => r.sources))) {
    assert.ok(section.includes(/^https:/.test(s) ? `<${s}>` : s), s);
  }
  for (const c of Object.values(CLOUDS)) {
    assert.ok(section.includes(`| ${c.name} | \`${c.graphUrl}\` | \`${c.graphScope}\` |`), c.name);
  }
});

test("each generated section is replaced between its own markers only", () => {
  const page = `a\n${BEGIN_MARKER}\nold\n${END_MARKER}\nb\n${GRAPH_BEGIN_MARKER}\nold graph\n${GRAPH_END_MARKER}\nc\n`;
  const want =
    `a\n${BEGIN_MARKER}\n${renderContractSection()}\n${END_MARKER}\nb\n` +
    `${GRAPH_BEGIN_MARKER}\n${renderGraphSection()}\n${GRAPH_END_MARKER}\nc\n`;
  assert.equal(spliceAllGenerated(page), want);
  assert.throws(() => spliceAllGenerated(`a\n${BEGIN_MARKER}\nx\n${END_MARKER}\n`), /markers/);
});

test("docs/exchange-behaviour.md holds the Graph section after the Exchange table", () => {
  const page = readFileSync(join(REPO_ROOT, "docs", "exchange-behaviour.md"), "utf8");
  const end = page.indexOf(END_MARKER);
  const graph = page.indexOf(GRAPH_BEGIN_MARKER);
  assert.ok(end > 0 && graph > end, "the Graph markers follow the Exchange table's");
  assert.match(page, /^## 11\. Microsoft Graph/m);
});

test("the situations table has a Graph column: every situation names a reply for some channel and a diagnosis", () => {
  const table = renderContractSection().split("### Replies on the wire")[0] ?? "";
  const header = table.split("\n").find((l) => l.startsWith("| Situation |")) ?? "";
  assert.match(header, /\| SMTP \| Graph \| Diagnosis \|/);
  for (const s of SITUATIONS) {
    const row = table.split("\n").find((l) => l.includes(`(\`${s.id}\``)) ?? "";
    const cells = row.split(" | ");
    assert.equal(cells.length, 8, `${s.id}: 8 columns`);
    assert.match(
      cells[6] ?? "",
      /^(?:(?:POP3|IMAP|SMTP|Graph): )?[A-Z_0-9]+, (?:permanent|temporary)/,
      `${s.id}: diagnosis`,
    );
    if (s.graph) {
      const reply = graphReply(s.graph.reply as GraphReplyId);
      assert.equal(cells[5], `${reply.id} (${s.graph.operation})`, `${s.id}: Graph cell`);
      assert.ok((cells[6] ?? "").includes(`${s.code ?? reply.ourCode}, ${reply.kind}`), `${s.id}: Graph diagnosis`);
    } else assert.equal(cells[5], "–", `${s.id}: no Graph cell`);
  }
});
