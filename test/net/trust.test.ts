/** One shared TLS context per extra-CA list (src/net/trust.ts): reused, told apart by content, bounded. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { trustedContext } from "../../src/net/trust.js";
import { createTestPki } from "../../src/sandbox/pki.js";

test("the same CA list gives the same context, another list another one; no extra CA: none", () => {
  const a = createTestPki().ca.certPem;
  const b = createTestPki().ca.certPem;
  assert.equal(trustedContext(undefined), undefined);
  assert.equal(trustedContext([]), undefined);
  const ctx = trustedContext([a]);
  assert.ok(ctx);
  assert.equal(trustedContext([a]), ctx, "a new array with the same PEM (every connection builds one)");
  assert.equal(trustedContext(a), ctx);
  assert.notEqual(trustedContext([b]), ctx);
  assert.notEqual(trustedContext([a, b]), ctx);
});

test("the cache is bounded: many distinct lists do not pile up, the oldest is made again when asked", () => {
  const pems = Array.from({ length: 10 }, () => createTestPki().ca.certPem);
  const first = trustedContext([pems[0] as string]);
  for (const p of pems.slice(1)) trustedContext([p]);
  assert.notEqual(trustedContext([pems[0] as string]), first, "evicted, then built anew");
  const last = trustedContext([pems[9] as string]);
  assert.equal(trustedContext([pems[9] as string]), last);
});
