/** The CLI's own V8 flags (src/cli/v8-flags.ts): set unless the user's NODE_OPTIONS or node command line sets them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cliV8Flags } from "../../src/cli/v8-flags.js";

const BUDGET = "--interrupt-budget=270336";
const SEMI = "--semi-space-growth-factor=1";

test("on Node 20 the CLI keeps 1 MB semi-spaces and a 4x interrupt budget", () => {
  assert.deepEqual(cliV8Flags("", [], 20), [SEMI, BUDGET]);
});

test("a semi-space or interrupt-budget flag of the user's wins, from NODE_OPTIONS or node's command line", () => {
  assert.deepEqual(cliV8Flags("--max-semi-space-size=64", [], 20), [BUDGET]);
  assert.deepEqual(cliV8Flags("", ["--max_semi_space_size=8"], 20), [BUDGET]);
  assert.deepEqual(cliV8Flags("--interrupt-budget=1000", [], 20), [SEMI]);
  assert.deepEqual(cliV8Flags("--trace-gc", ["--interrupt_budget=5000", "--semi-space-growth-factor=2"], 20), []);
});

test("unrelated flags leave both settings to the CLI", () => {
  assert.deepEqual(cliV8Flags("--max-old-space-size=512 --enable-source-maps", ["--no-warnings"], 20), [SEMI, BUDGET]);
});

test("the interrupt budget only on Node 20, where it was measured (later V8s tier up through Maglev)", () => {
  assert.deepEqual(cliV8Flags("", [], 22), [SEMI]);
  assert.deepEqual(cliV8Flags("", [], 24), [SEMI]);
});
