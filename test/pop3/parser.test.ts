import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { XoauthError } from "../../src/errors.js";
import { parseCapa, parseListLine, parseReply, parseStat, parseUidlLine } from "../../src/pop3/parser.js";

test("status lines: +OK / -ERR with text, case-insensitive", () => {
  assert.deepEqual(parseReply("+OK User successfully authenticated."), {
    kind: "ok",
    text: "User successfully authenticated.",
    raw: "+OK User successfully authenticated.",
  });
  assert.equal(parseReply("-err nope").kind, "err");
  assert.deepEqual(parseReply("+OK"), { kind: "ok", text: "", raw: "+OK" });
});

test("response codes of RFC 2449 / RFC 3206 are parsed", () => {
  for (const code of ["AUTH", "SYS/TEMP", "SYS/PERM", "IN-USE", "LOGIN-DELAY"]) {
    const r = parseReply(`-ERR [${code}] some text`);
    assert.equal(r.respCode, code);
    assert.equal(r.text, "some text");
  }
  assert.equal(parseReply("-ERR [auth]").respCode, "AUTH");
});

test("SASL continuations: '+ ' with a challenge and bare '+'", () => {
  assert.deepEqual(parseReply("+ "), { kind: "continue", text: "", raw: "+ " });
  assert.deepEqual(parseReply("+"), { kind: "continue", text: "", raw: "+" });
  assert.equal(parseReply("+ eyJzdGF0dXMiOiI0MDEifQ==").text, "eyJzdGF0dXMiOiI0MDEifQ==");
});

test("anything else is PROTOCOL_ERROR", () => {
  for (const l of ["", "OK", "+OKAY", "-ERROR x", "* OK imap", "220 smtp"]) {
    assert.throws(() => parseReply(l), { code: "PROTOCOL_ERROR" }, l);
  }
});

test("CAPA of Exchange Online: no PIPELINING, SASL PLAIN XOAUTH2", () => {
  const c = parseCapa(["TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER"]);
  assert.deepEqual(c.sasl, ["PLAIN", "XOAUTH2"]);
  assert.equal(c.pipelining, false);
  assert.equal(c.top && c.uidl && c.user, true);
  assert.equal(c.stls, false);
});

test("CAPA of a Dovecot-like server with every typed field", () => {
  const c = parseCapa([
    "CAPA",
    "TOP",
    "UIDL",
    "RESP-CODES",
    "PIPELINING",
    "AUTH-RESP-CODE",
    "STLS",
    "USER",
    "SASL PLAIN xoauth2 OAUTHBEARER",
    "IMPLEMENTATION Dovecot 2.3",
    "EXPIRE NEVER",
    "LOGIN-DELAY 900",
  ]);
  assert.equal(c.pipelining && c.stls && c.respCodes, true);
  assert.deepEqual(c.sasl, ["PLAIN", "XOAUTH2", "OAUTHBEARER"]);
  assert.equal(c.implementation, "Dovecot 2.3");
  assert.equal(c.expire, "NEVER");
  assert.equal(c.loginDelay, 900);
});

test("LIST, UIDL and STAT lines", () => {
  assert.deepEqual(parseListLine("1 120"), { n: 1, size: 120 });
  assert.deepEqual(parseUidlLine("2 AAMkAD=="), { n: 2, uid: "AAMkAD==" });
  assert.deepEqual(parseStat("3 3200"), { count: 3, size: 3200 });
  assert.throws(() => parseListLine("1"), { code: "PROTOCOL_ERROR" });
  assert.throws(() => parseUidlLine(`1 ${"x".repeat(71)}`), { code: "PROTOCOL_ERROR" });
  assert.throws(() => parseStat("-1 2"), { code: "PROTOCOL_ERROR" });
});

test("random lines never throw anything but XoauthError", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (s) => {
      for (const f of [parseReply, parseListLine, parseUidlLine, parseStat, (x: string) => parseCapa(x.split("\n"))]) {
        try {
          f(s);
        } catch (e) {
          assert.ok(e instanceof XoauthError, String(e));
        }
      }
    }),
    { numRuns: 500 },
  );
});
