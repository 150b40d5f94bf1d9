/** Regression: server text with control characters (ESC sequences, NUL, C1) is escaped in human output. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatError } from "../../src/cli/output.js";
import { formatDiagnosis, formatStep } from "../../src/diagnose/format.js";
import { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { escapeControl } from "../../src/log/sanitize.js";

const HOSTILE = "-ERR \u001b[2J\u001b]0;pwned\u0007bad\u0000\u0085\u007f\ttab\r\nfake line";
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("control characters from servers in human output", () => {
  it("escapeControl shows C0 (but tab), DEL and C1 as \\xNN; LF only with keepNewlines", () => {
    assert.equal(escapeControl("a\u001b[1mb\tc\u0000\u007f\u009bd\n"), "a\\x1b[1mb\tc\\x00\\x7f\\x9bd\\x0a");
    assert.equal(escapeControl("a\nb\r", { keepNewlines: true }), "a\nb\\x0d");
    assert.equal(escapeControl("Grüße ✓"), "Grüße ✓");
  });

  it("a step's note is shown whole on a line of its own, escaped, under the detail", () => {
    const note = `not cached: ${"x".repeat(200)} ${HOSTILE}`;
    const out = formatStep({ id: "token", ok: true, ms: 3, detail: "from the token endpoint", note });
    const [line, second, rest] = out.split("\n");
    assert.match(line ?? "", /from the token endpoint$/);
    assert.equal(second, `${" ".repeat(40)}${escapeControl(note)}`);
    assert.equal(rest, "");
    assert.doesNotMatch(out.slice(0, -1).replace("\n", ""), CONTROL);
  });

  it("a step detail, a diagnosis and a formatted error carry no raw control characters", () => {
    const step = formatStep({ id: "auth", ok: false, ms: 3, detail: HOSTILE });
    assert.doesNotMatch(step.slice(0, -1), CONTROL);
    assert.doesNotMatch(step.slice(0, -1), /\n/, "no fake second line");
    assert.match(step, /\\x1b\[2J/);
    const diag = formatDiagnosis({ code: "PROTOCOL_ERROR", summary: HOSTILE, causes: [HOSTILE], fix: [HOSTILE] });
    assert.doesNotMatch(diag, CONTROL);
    const err = formatError(new XoauthError("PROTOCOL_ERROR", `Server said: ${HOSTILE}`, { why: HOSTILE }));
    assert.doesNotMatch(err, CONTROL);
    assert.equal(
      err.split("\n")[0],
      "✗ Error [PROTOCOL_ERROR]: Server said: -ERR \\x1b[2J\\x1b]0;pwned\\x07bad\\x00\\x85\\x7f\ttab\\x0d\\x0afake line",
    );
  });
});
