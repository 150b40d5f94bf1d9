/**
 * SASL (src/sasl/*: base64, PLAIN, LOGIN, XOAUTH2 and its JSON error continuation, the server-side mechanisms and
 * AUTH arguments the proxy and the fakes share): round trips of what we build, nothing but `undefined` for garbage.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  buildPlain,
  buildXoauth2,
  createMechanism,
  decodeBase64Strict,
  encodeBase64,
  loginServer,
  parseAuthArgs,
  parsePlain,
  parseXoauth2,
  parseXoauth2Error,
  plainServer,
  xoauth2Server,
} from "../../../../src/sasl/index.js";
import type { FuzzTarget } from "../fuzz-runner.js";
import { base64Variants, hostileJson } from "../gen.js";

/** Text as it survives UTF-8 (no lone surrogates), with the separators SASL uses. */
const text = fc.string({
  unit: fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom("\0", "\x01", "=", ",", " ") },
  ),
  maxLength: 20,
});
const payload = fc.oneof(
  text.map((t) => Buffer.from(t)),
  fc.uint8Array({ maxLength: 48 }).map(Buffer.from),
  fc.tuple(text, text, text).map(([a, b, c]) => Buffer.from(`${a}\0${b}\0${c}`)),
  fc.tuple(text, text).map(([u, t]) => Buffer.from(`user=${u}\x01auth=Bearer ${t}\x01\x01`)),
  fc.oneof(fc.jsonValue(), hostileJson).map((j) => Buffer.from(JSON.stringify(j) ?? "")),
);

const MALFORMED = { done: true, error: "malformed" };

export const sasl: FuzzTarget = {
  name: "sasl",
  covers: "src/sasl/*.ts",
  property: () =>
    fc.property(
      fc.uint8Array({ maxLength: 64 }).map(Buffer.from),
      base64Variants(payload),
      text,
      text,
      text,
      (bytes, s, a, b, c) => {
        // base64: what we encode decodes back; what we accept is exactly what Node decodes.
        assert.deepEqual(decodeBase64Strict(encodeBase64(bytes)), bytes);
        const strict = decodeBase64Strict(s);
        if (strict) assert.deepEqual(strict, Buffer.from(s.trim(), "base64"));
        // AUTH arguments: `=` is the empty initial response, anything else is passed on as sent.
        const args = parseAuthArgs(`PLAIN ${s}`);
        if (args) assert.equal(args.initial, s === "=" ? "" : s);
        // PLAIN (RFC 4616): build -> parse, client side and proxy side.
        const p = parsePlain(buildPlain(b, c, a));
        const wellFormed = !/\0/.test(a + b + c) && b !== "" && c !== "";
        assert.deepEqual(p, wellFormed ? { authzid: a, authcid: b, password: c } : undefined);
        const pr = plainServer().step(buildPlain(b, c, a));
        assert.deepEqual(pr, wellFormed && (a === "" || a === b) ? { done: true, user: b, password: c } : MALFORMED);
        // XOAUTH2: build -> parse (client, proxy-side decoder, and the sandbox's own decoder).
        const x = parseXoauth2(buildXoauth2(a, b));
        const xOk = !/\x01/.test(a + b) && b !== "";
        assert.deepEqual(x, xOk ? { user: a, token: b } : undefined);
        assert.deepEqual(xoauth2Server().step(buildXoauth2(a, b)), x ? { done: true, ...x } : MALFORMED);
        // LOGIN: each step is one base64 string.
        // LOGIN: each step is one base64 string; an empty user name or password is malformed.
        const ls = loginServer();
        ls.start();
        const first = ls.step(encodeBase64(a));
        assert.deepEqual(first, a === "" ? MALFORMED : { done: false, challenge: encodeBase64("Password:") });
        if (a !== "")
          assert.deepEqual(ls.step(encodeBase64(b)), b === "" ? MALFORMED : { done: true, user: a, password: b });
        // Garbage: undefined or a typed value, never an exception.
        parsePlain(s);
        plainServer().step(s);
        parseXoauth2(s);
        xoauth2Server().step(s);
        parseAuthArgs(s);
        loginServer().step(s);
        const err = parseXoauth2Error(s);
        if (err)
          for (const k of ["status", "schemes", "scope"]) assert.ok(err[k] === undefined || typeof err[k] === "string");
        for (const m of ["XOAUTH2", "PLAIN", "LOGIN"]) {
          const mech = createMechanism(m, { user: a, token: b, password: c });
          mech.start();
          assert.equal(typeof mech.step(s), "string");
        }
      },
    ),
};
