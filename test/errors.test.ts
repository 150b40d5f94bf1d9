import assert from "node:assert/strict";
import { test } from "node:test";
import { ERROR_CODES, EXIT_CODES, exitCodeOf, toXoauthError, XoauthError } from "../src/errors.js";

test("every error code maps to a documented exit code", () => {
  const documented = new Set(Object.values(EXIT_CODES));
  for (const code of ERROR_CODES) {
    assert.ok(documented.has(exitCodeOf(code)), code);
    assert.notEqual(exitCodeOf(code), 0, code);
  }
  assert.equal(exitCodeOf("CLIENT_SECRET_INVALID"), 3);
  assert.equal(exitCodeOf("MAILBOX_ACCESS_DENIED"), 4);
  assert.equal(exitCodeOf("TLS_UNTRUSTED"), 5);
  assert.equal(exitCodeOf("CONFIG_INVALID"), 2);
});

test("toXoauthError keeps typed errors and wraps others as UNEXPECTED", () => {
  const typed = new XoauthError("TIMEOUT", "timed out");
  assert.equal(toXoauthError(typed), typed);
  const wrapped = toXoauthError(new TypeError("boom"));
  assert.equal(wrapped.code, "UNEXPECTED");
  assert.equal(wrapped.message, "boom");
  assert.ok(wrapped.cause instanceof TypeError);
});
