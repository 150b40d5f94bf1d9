/**
 * docs/graph.md and docs/de/graph.md: the English and German guide say the same (same commands, flags and codes), the
 * codes they name exist, and their links point at files and headings that exist.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { ERROR_CODES } from "../../src/errors.js";
import { REPO_ROOT } from "../harness/cli.js";

const PAGES = ["docs/graph.md", "docs/de/graph.md"] as const;
const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function anchors(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] ?? "")));
}

/** The code blocks without comments (the comments are translated, the commands are not). */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^\s*```\w*\n([\s\S]*?)^\s*```$/gm)].map((m) =>
    (m[1] ?? "")
      .split("\n")
      .map((l) => l.replace(/(^|\s+)# .*$/, "").trimEnd())
      .filter((l) => l.trim() !== "")
      .join("\n"),
  );
}

test("the anchor of a heading is GitHub's", () => {
  assert.equal(slug("11. Microsoft Graph (app-only mail API)"), "11-microsoft-graph-app-only-mail-api");
  assert.equal(slug("Step 1 — Register an application"), "step-1--register-an-application");
  assert.equal(slug("Schritt 1 – Anwendung registrieren"), "schritt-1--anwendung-registrieren");
  assert.equal(slug("1. Graph, POP3 oder IMAP?"), "1-graph-pop3-oder-imap");
});

for (const page of PAGES) {
  test(`${page}: every relative link reaches an existing file and heading`, () => {
    const text = read(page);
    const links = [...text.matchAll(/\]\((?!https?:)([^)\s]*)\)/g)].map((m) => m[1] ?? "");
    assert.ok(links.length > 5, "the page links to the other docs");
    for (const link of links) {
      const [file = "", anchor] = link.split("#");
      const target = file === "" ? page : join(dirname(page), file);
      assert.ok(existsSync(join(REPO_ROOT, target)), `${link}: ${target} exists`);
      if (anchor) assert.ok(anchors(read(target)).has(anchor), `${link}: heading #${anchor} in ${target}`);
    }
  });

  test(`${page}: every error code it names exists`, () => {
    const named = new Set([...read(page).matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1] ?? ""));
    const known = new Set<string>([...ERROR_CODES, "HTTPS_PROXY"]); // and one environment variable
    assert.deepEqual(
      [...named].filter((c) => !known.has(c)),
      [],
    );
  });
}

test("the German guide has the same commands, flags and codes as the English one", () => {
  const [en, de] = PAGES.map(read) as [string, string];
  assert.deepEqual(codeBlocks(de), codeBlocks(en));
  // The German page adds one hint: `--lang de` for German messages.
  const flags = (t: string) => [...new Set(t.match(/(?<![\w-])--[a-z][a-z-]+/g))].filter((f) => f !== "--lang").sort();
  assert.deepEqual(flags(de), flags(en));
  const codes = (t: string) => [...new Set(t.match(/`[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+`/g))].sort();
  assert.deepEqual(codes(de), codes(en));
  for (const flag of [
    "--protocol",
    "--graph-url",
    "--folder",
    "--move-to",
    "--mark-read",
    "--delete",
    "--keep",
    "--check-send",
  ]) {
    assert.ok(flags(en).includes(flag), flag);
  }
});
