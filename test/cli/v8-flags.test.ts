/** The CLI's own V8 flags (src/cli/v8-flags.ts): set unless the user's NODE_OPTIONS or node command line sets them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cliV8Flags } from "../../src/cli/v8-flags.js";

test("the CLI keeps 1 MB semi-spaces and a 4x interrupt budget by default", () => {
  assert.deepEqual(cliV8Flags("", []), ["--semi-space-growth-factor=1", "--interrupt-budget=270336"]);
});

test("a semi-space or interrupt-budget flag of the user's wins, from NODE_OPTIONS or node's command line", () => {
  assert.deepEqual(cliV8Flags("--max-semi-space-size=64", []), ["--interrupt-budget=270336"]);
  assert.deepEqual(cliV8Flags("", ["--max_semi_space_size=8"]), ["--interrupt-budget=270336"]);
  assert.deepEqual(cliV8Flags("--interrupt-budget=1000", []), ["--semi-space-growth-factor=1"]);
  assert.deepEqual(cliV8Flags("--trace-gc", ["--interrupt_budget=5000", "--semi-space-growth-factor=2"]), []);
});

test("unrelated flags leave both settings to the CLI", () => {
  assert.deepEqual(cliV8Flags("--max-old-space-size=512 --enable-source-maps", ["--no-warnings"]), [
    "--semi-space-growth-factor=1",
    "--interrupt-budget=270336",
  ]);
});
