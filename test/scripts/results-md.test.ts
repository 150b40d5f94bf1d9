/** bench/RESULTS.md sections owned by `npm run fuzz` and `npm run soak` survive a rewrite by `npm run bench`. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { keepOwnSections, sectionOf, withSection } from "../harness/results-md.js";

const OLD = "# Results\n\n## Loopback\n\nold table\n\n## Fuzzing\n\nfuzz table\n\n## Soak\n\nsoak table\n";

describe("bench/RESULTS.md sections", () => {
  test("sectionOf cuts one section up to the next heading", () => {
    assert.equal(sectionOf(OLD, "## Fuzzing"), "## Fuzzing\n\nfuzz table");
    assert.equal(sectionOf(OLD, "## Soak"), "## Soak\n\nsoak table");
    assert.equal(sectionOf(OLD, "## Memory"), undefined);
  });

  test("withSection replaces a section in place and appends a new one", () => {
    const replaced = withSection(OLD, "## Fuzzing", "## Fuzzing\n\nnew fuzz");
    assert.equal(replaced, OLD.replace("fuzz table", "new fuzz"));
    assert.equal(withSection("# R\n", "## Soak", "## Soak\n\nx"), "# R\n\n## Soak\n\nx\n");
  });

  test("a bench rewrite keeps the fuzz and soak sections and drops its own old tables", () => {
    const md = keepOwnSections("# Results\n\n## Loopback\n\nnew table\n", OLD);
    assert.match(md, /new table/);
    assert.doesNotMatch(md, /old table/);
    assert.equal(sectionOf(md, "## Fuzzing"), "## Fuzzing\n\nfuzz table");
    assert.equal(sectionOf(md, "## Soak"), "## Soak\n\nsoak table");
  });
});
