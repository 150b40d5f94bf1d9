/** The fetch logger's two formats (src/fetch/log.ts): the same fields, none printed as "undefined". */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../src/fetch/log.js";

function lines(format: "text" | "json", fields: Record<string, unknown>): string {
  let out = "";
  createLogger(format, (s) => {
    out += s;
  }).log("info", "cycle done", fields);
  return out;
}

test("text: account first, then key=value for each field that has a value; json leaves the same ones out", () => {
  const fields = { account: "a@b.example", ok: true, fetched: 2, errors: [], error: undefined, note: "x y" };
  const text = lines("text", fields);
  assert.match(text, /^\S+Z info {2}a@b\.example: cycle done ok=true fetched=2 errors=\[\] note=x y\n$/);
  assert.doesNotMatch(text, /undefined/);
  const json = JSON.parse(lines("json", fields)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ["time", "level", "msg", "account", "ok", "fetched", "errors", "note"]);
});
