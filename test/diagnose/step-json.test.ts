import assert from "node:assert/strict";
import { test } from "node:test";
import { stepJson } from "../../src/diagnose/types.js";

test("--json steps carry measured:false only for steps without a time of their own", () => {
  assert.deepEqual(stepJson({ id: "tls", ok: true, ms: 0, detail: "x", measured: false }), {
    id: "tls",
    ok: true,
    ms: 0,
    detail: "x",
    measured: false,
  });
  assert.deepEqual(stepJson({ id: "connect", ok: true, ms: 5, detail: "y" }), {
    id: "connect",
    ok: true,
    ms: 5,
    detail: "y",
  });
});

test("--json steps carry a note only when there is one", () => {
  assert.deepEqual(stepJson({ id: "token", ok: true, ms: 3, detail: "z", note: "not cached: ..." }), {
    id: "token",
    ok: true,
    ms: 3,
    detail: "z",
    note: "not cached: ...",
  });
});
