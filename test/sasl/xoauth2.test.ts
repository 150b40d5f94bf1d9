import assert from "node:assert/strict";
import { test } from "node:test";
import { redact } from "../../src/log/redact.js";
import { buildXoauth2, parseXoauth2, parseXoauth2Error } from "../../src/sasl/xoauth2.js";

const VECTOR =
  "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFvN0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ==";

test("buildXoauth2 matches Microsoft's published test vector exactly", () => {
  assert.equal(buildXoauth2("test@contoso.onmicrosoft.com", "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA"), VECTOR);
});

test("buildXoauth2 output is marked secret and redacted in traces", () => {
  const b64 = buildXoauth2("x@y.z", "tok-abcdefgh");
  assert.equal(redact(`C: ${b64}`), "C: <redacted>");
  assert.equal(redact("Bearer tok-abcdefgh"), "Bearer <redacted>");
});

test("parseXoauth2Error decodes the JSON continuation", () => {
  const b64 = Buffer.from(JSON.stringify({ status: "401", schemes: "bearer", scope: "https://x/" })).toString("base64");
  assert.deepEqual(parseXoauth2Error(b64), { status: "401", schemes: "bearer", scope: "https://x/" });
});

test("parseXoauth2Error returns undefined for non-JSON, empty and non-base64 challenges", () => {
  assert.equal(parseXoauth2Error(""), undefined);
  assert.equal(parseXoauth2Error("not base64!"), undefined);
  assert.equal(parseXoauth2Error(Buffer.from("hello").toString("base64")), undefined);
  assert.equal(parseXoauth2Error(Buffer.from("[1]").toString("base64")), undefined);
});

test("parseXoauth2 (server side) round-trips the vector and rejects malformed input", () => {
  assert.deepEqual(parseXoauth2(VECTOR), {
    user: "test@contoso.onmicrosoft.com",
    token: "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA",
  });
  assert.equal(parseXoauth2(Buffer.from("user=a\x01auth=Basic x\x01\x01").toString("base64")), undefined);
  assert.equal(parseXoauth2("%%%"), undefined);
});
