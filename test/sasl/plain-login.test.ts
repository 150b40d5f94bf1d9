import assert from "node:assert/strict";
import { test } from "node:test";
import { REDACTED, redact } from "../../src/log/redact.js";
import {
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  loginMechanism,
  loginServer,
} from "../../src/sasl/login.js";
import { buildPlain, parsePlain } from "../../src/sasl/plain.js";
import { createMechanism, listMechanisms } from "../../src/sasl/registry.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

test("PLAIN builds authzid NUL authcid NUL password (RFC 4616)", () => {
  assert.equal(buildPlain("tim", "tanstaaftanstaaf"), b64("\0tim\0tanstaaftanstaaf"));
  assert.equal(buildPlain("Ursel", "kurt-pw-xyz", "Kurt"), b64("Kurt\0Ursel\0kurt-pw-xyz"));
  assert.equal(redact(buildPlain("u", "pw-secret-1")), REDACTED);
});

test("parsePlain parses the server side and rejects malformed messages", () => {
  assert.deepEqual(parsePlain(b64("Kurt\0Ursel\0pw")), { authzid: "Kurt", authcid: "Ursel", password: "pw" });
  assert.deepEqual(parsePlain(b64("\0u@x\0tok")), { authzid: "", authcid: "u@x", password: "tok" });
  assert.equal(parsePlain(b64("only\0two")), undefined);
  assert.equal(parsePlain(b64("a\0b\0c\0d")), undefined);
  assert.equal(parsePlain(b64("\0\0pw")), undefined);
  assert.equal(parsePlain("not*base64"), undefined);
});

test("LOGIN client answers the Username: and Password: prompts", () => {
  const m = loginMechanism({ user: "alice", password: "s3cret-pw" });
  assert.equal(m.start(), undefined);
  assert.equal(m.step(LOGIN_USERNAME_CHALLENGE), b64("alice"));
  const p = m.step(LOGIN_PASSWORD_CHALLENGE);
  assert.equal(p, b64("s3cret-pw"));
  assert.equal(redact(p), REDACTED);
});

test("LOGIN server yields user and password, and flags malformed base64", () => {
  const s = loginServer();
  assert.equal(s.start(), LOGIN_USERNAME_CHALLENGE);
  assert.deepEqual(s.step(b64("alice")), { done: false, challenge: LOGIN_PASSWORD_CHALLENGE });
  assert.deepEqual(s.step(b64("pw")), { done: true, user: "alice", password: "pw" });
  assert.deepEqual(loginServer().step("@@"), { done: true, error: "malformed" });
});

test("registry creates mechanisms by name, case-insensitively, and rejects unknown ones", () => {
  assert.deepEqual(listMechanisms().sort(), ["LOGIN", "PLAIN", "XOAUTH2"]);
  const x = createMechanism("xoauth2", { user: "u@x", token: "tok123456" });
  assert.equal(x.name, "XOAUTH2");
  assert.equal(x.start(), b64("user=u@x\x01auth=Bearer tok123456\x01\x01"));
  assert.equal(x.step("e30="), "");
  assert.throws(() => createMechanism("CRAM-MD5", { user: "u" }), { code: "USAGE" });
});
