import assert from "node:assert/strict";
import { test } from "node:test";
import { markSecret, REDACTED, redact } from "../../src/log/redact.js";

test("marked secrets and JWT-shaped strings are redacted", () => {
  markSecret("s3cr3t-value-xyz");
  const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sifQ.c2lnbmF0dXJl";
  const out = redact(`secret=s3cr3t-value-xyz token=${jwt} ok`);
  assert.equal(out, `secret=${REDACTED} token=${REDACTED} ok`);
});

test("XOAUTH2 initial responses are redacted even when never marked", () => {
  const b64 = Buffer.from("user=a@b.c\x01auth=Bearer abcdefghijkl\x01\x01").toString("base64");
  assert.equal(redact(`C: ${b64}`), `C: ${REDACTED}`);
});
