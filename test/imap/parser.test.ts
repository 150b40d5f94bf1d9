/** IMAP response parsing (RFC 3501 §7, §9) on real Dovecot and Exchange lines; tokenizer errors and a fuzz property. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { XoauthError } from "../../src/errors.js";
import {
  fetchAttributes,
  parseStatus,
  parseTagged,
  parseUntaggedHead,
  type Segment,
  type Token,
  tokenizeResponse,
  tokenText,
} from "../../src/imap/parser.js";

function protocolError(fn: () => unknown, message?: RegExp): XoauthError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof XoauthError, `expected XoauthError, got ${String(err)}`);
    assert.equal(err.code, "PROTOCOL_ERROR");
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail("expected PROTOCOL_ERROR");
}

const s = (str: string): Token => ({ str });

describe("parseStatus / parseTagged / parseUntaggedHead", () => {
  it("Dovecot `* OK [UIDVALIDITY 1700000000] UIDs valid`: status with code and args", () => {
    assert.deepEqual(parseUntaggedHead("OK [UIDVALIDITY 1700000000] UIDs valid"), {
      kind: "status",
      status: "OK",
      code: "UIDVALIDITY",
      codeArgs: "1700000000",
      text: "UIDs valid",
    });
  });

  it("Dovecot tagged `X3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).`: code without args", () => {
    assert.deepEqual(parseTagged("X3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs)."), {
      tag: "X3",
      status: "OK",
      code: "READ-WRITE",
      text: "Select completed (0.001 + 0.000 secs).",
    });
  });

  it("a code with a parenthesized argument list and a lower-case code atom", () => {
    assert.deepEqual(parseStatus("OK [PERMANENTFLAGS (\\Answered \\Deleted \\*)] Flags permitted."), {
      status: "OK",
      code: "PERMANENTFLAGS",
      codeArgs: "(\\Answered \\Deleted \\*)",
      text: "Flags permitted.",
    });
    assert.deepEqual(parseStatus("no [authenticationfailed] Authentication failed."), {
      status: "NO",
      code: "AUTHENTICATIONFAILED",
      text: "Authentication failed.",
    });
  });

  it("Dovecot greeting with a CAPABILITY code", () => {
    const h = parseUntaggedHead("OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS AUTH=XOAUTH2] Dovecot ready.");
    assert.deepEqual(h, {
      kind: "status",
      status: "OK",
      code: "CAPABILITY",
      codeArgs: "IMAP4rev1 SASL-IR LOGIN-REFERRALS AUTH=XOAUTH2",
      text: "Dovecot ready.",
    });
  });

  it("`* 3 EXISTS` is numeric, `* SEARCH 1 2 3` and `* SEARCH` are data", () => {
    assert.deepEqual(parseUntaggedHead("3 EXISTS"), { kind: "numeric", n: 3, type: "EXISTS" });
    assert.deepEqual(parseUntaggedHead("12 fetch (UID 5)"), { kind: "numeric", n: 12, type: "FETCH" });
    assert.deepEqual(parseUntaggedHead("SEARCH 1 2 3"), { kind: "data", type: "SEARCH", rest: "1 2 3" });
    assert.deepEqual(parseUntaggedHead("SEARCH"), { kind: "data", type: "SEARCH", rest: "" });
    assert.deepEqual(parseUntaggedHead("capability IMAP4rev1 UIDPLUS"), {
      kind: "data",
      type: "CAPABILITY",
      rest: "IMAP4rev1 UIDPLUS",
    });
  });

  it("`* BYE ...` and a bare `* BYE`", () => {
    assert.deepEqual(parseUntaggedHead("BYE Logging out"), { kind: "status", status: "BYE", text: "Logging out" });
    assert.deepEqual(parseUntaggedHead("BYE"), { kind: "status", status: "BYE", text: "" });
    assert.deepEqual(parseUntaggedHead("PREAUTH [CAPABILITY IMAP4rev1] Logged in as x"), {
      kind: "status",
      status: "PREAUTH",
      code: "CAPABILITY",
      codeArgs: "IMAP4rev1",
      text: "Logged in as x",
    });
  });

  it("Exchange `A1 NO AUTHENTICATE failed.` and `A2 BAD User is authenticated but not connected.`", () => {
    assert.deepEqual(parseTagged("A1 NO AUTHENTICATE failed."), {
      tag: "A1",
      status: "NO",
      text: "AUTHENTICATE failed.",
    });
    assert.deepEqual(parseTagged("A2 BAD User is authenticated but not connected."), {
      tag: "A2",
      status: "BAD",
      text: "User is authenticated but not connected.",
    });
    assert.deepEqual(parseTagged("A1 OK AUTHENTICATE completed."), {
      tag: "A1",
      status: "OK",
      text: "AUTHENTICATE completed.",
    });
  });

  it("parseTagged refuses untagged, continuation and non-status lines; parseStatus refuses non-status words", () => {
    assert.equal(parseTagged("* OK hi"), undefined);
    assert.equal(parseTagged("+ eyJzdGF0dXMiOiI0MDEifQ=="), undefined);
    assert.equal(parseTagged("X1"), undefined);
    assert.equal(parseTagged(" OK leading space"), undefined);
    assert.equal(parseTagged("X1 FETCH (UID 1)"), undefined);
    assert.equal(parseStatus("OKAY then"), undefined);
    assert.equal(parseStatus("SEARCH 1"), undefined);
    assert.deepEqual(parseTagged("X9 OK"), { tag: "X9", status: "OK", text: "" });
  });
});

describe("tokenizeResponse", () => {
  it("a Dovecot FETCH with UID, size, flags and an ENVELOPE holding NIL and nested address lists", () => {
    const line =
      '* 1 FETCH (UID 7 RFC822.SIZE 1234 FLAGS (\\Seen $Forwarded) ENVELOPE ("Mon, 1 Jan 2024 10:00:00 +0000" "Hi" (("Al" NIL "al" "example.com")) NIL NIL (("Bo" NIL "bo" "example.com")) NIL NIL NIL "<m1@example.com>"))';
    const at = line.indexOf("FETCH") + 5;
    const t = tokenizeResponse([line], at);
    assert.deepEqual(t, [
      [
        "UID",
        "7",
        "RFC822.SIZE",
        "1234",
        "FLAGS",
        ["\\Seen", "$Forwarded"],
        "ENVELOPE",
        [
          s("Mon, 1 Jan 2024 10:00:00 +0000"),
          s("Hi"),
          [[s("Al"), null, s("al"), s("example.com")]],
          null,
          null,
          [[s("Bo"), null, s("bo"), s("example.com")]],
          null,
          null,
          null,
          s("<m1@example.com>"),
        ],
      ],
    ]);
    const a = fetchAttributes(t[0]);
    assert.deepEqual([...a.keys()], ["UID", "RFC822.SIZE", "FLAGS", "ENVELOPE"]);
    const env = a.get("ENVELOPE") as Token[];
    assert.equal(tokenText(env[9]), "<m1@example.com>");
    assert.equal(tokenText(env[3]), "", "NIL reads as an empty text");
  });

  it('quoted strings with escaped \\" and \\\\', () => {
    assert.deepEqual(tokenizeResponse(['("a \\"quoted\\" word" "back\\\\slash" "" "\\\\\\"")']), [
      [s('a "quoted" word'), s("back\\slash"), s(""), s('\\"')],
    ]);
  });

  it("a literal segment in the middle of an ENVELOPE stands where its {n} marker was", () => {
    const subject = Buffer.from('Re: \u00c4rger ("x")', "utf8");
    const segments: Segment[] = [
      `* 2 FETCH (UID 8 ENVELOPE ("date" {${subject.length}}`,
      subject,
      ' NIL NIL NIL NIL NIL NIL NIL "<id@x>") BODY[] {0}',
      Buffer.alloc(0),
      ")",
    ];
    const t = tokenizeResponse(segments, "* 2 FETCH".length);
    const a = fetchAttributes(t[0]);
    const env = a.get("ENVELOPE") as Token[];
    assert.equal(env.length, 10);
    assert.deepEqual(env[0], s("date"));
    assert.deepEqual(env[1], { str: subject });
    assert.equal(tokenText(env[1]), 'Re: \u00c4rger ("x")');
    assert.equal(tokenText(env[9]), "<id@x>");
    assert.deepEqual(a.get("BODY[]"), { str: Buffer.alloc(0) });
    assert.equal(a.get("UID"), "8");
  });

  it("a text segment before a literal may hold `{` inside a quoted string: only the last `{` is the marker", () => {
    const t = tokenizeResponse(['("a{b" {3}', Buffer.from("xyz"), ")"]);
    assert.deepEqual(t, [[s("a{b"), { str: Buffer.from("xyz") }]]);
  });

  it("section atoms keep spaces and parentheses inside brackets, and the <origin> suffix", () => {
    const t = tokenizeResponse([
      "(BODY[HEADER.FIELDS (MESSAGE-ID)] {3}",
      Buffer.from("a\r\n"),
      " BODY[]<0> NIL UID 4)",
    ]);
    assert.deepEqual(t, [
      ["BODY[HEADER.FIELDS (MESSAGE-ID)]", { str: Buffer.from("a\r\n") }, "BODY[]<0>", null, "UID", "4"],
    ]);
    const a = fetchAttributes(t[0]);
    assert.deepEqual([...a.keys()], ["BODY[HEADER.FIELDS (MESSAGE-ID)]", "BODY[]<0>", "UID"]);
    assert.equal(a.get("BODY[]<0>"), null);
  });

  it("nested lists (BODYSTRUCTURE-like) and nil in any case", () => {
    assert.deepEqual(tokenizeResponse(['(("TEXT" "PLAIN" ("CHARSET" "utf-8") nil Nil "7BIT" 12 1) "MIXED")']), [
      [[s("TEXT"), s("PLAIN"), [s("CHARSET"), s("utf-8")], null, null, s("7BIT"), "12", "1"], s("MIXED")],
    ]);
    assert.deepEqual(tokenizeResponse(["()"]), [[]]);
    assert.deepEqual(tokenizeResponse(["a (b (c)) d"]), ["a", ["b", ["c"]], "d"]);
  });

  it("depth 16 is accepted, 17 is PROTOCOL_ERROR", () => {
    const nest = (n: number) => `${"(".repeat(n)}x${")".repeat(n)}`;
    let t: Token = tokenizeResponse([nest(16)]);
    for (let i = 0; i < 17; i++) t = (t as Token[])[0] as Token; // root + 16 lists
    assert.equal(t, "x");
    protocolError(() => tokenizeResponse([nest(17)]), /nested too deeply/);
    protocolError(() => tokenizeResponse([nest(1000)]), /nested too deeply/);
  });

  it("unbalanced parentheses and unterminated quotes are PROTOCOL_ERROR", () => {
    protocolError(() => tokenizeResponse(["(UID 1"]), /Unbalanced '\('/);
    protocolError(() => tokenizeResponse(["UID 1)"]), /Unbalanced '\)'/);
    protocolError(() => tokenizeResponse(["(a) )"]), /Unbalanced '\)'/);
    protocolError(() => tokenizeResponse(['("abc)']), /Unterminated quoted string/);
    protocolError(() => tokenizeResponse(['("abc\\")']), /Unterminated quoted string/);
    // The quote must close before the literal marker, not in the literal's text.
    protocolError(() => tokenizeResponse(['("abc {1}', Buffer.from('"'), ")"]), /Unterminated quoted string/);
    protocolError(() => tokenizeResponse(["(a {b)"]), /Unexpected character/);
  });

  it("more than 100000 tokens is PROTOCOL_ERROR", () => {
    assert.equal(tokenizeResponse(["a ".repeat(100_000)]).length, 100_000);
    protocolError(() => tokenizeResponse(["a ".repeat(100_001)]), /too many tokens/);
  });

  it("fetchAttributes pairs names with values, upper-cases names, and refuses non-atom names and non-lists", () => {
    const a = fetchAttributes(["uid", "5", "Body[]", s("x"), "FLAGS", []]);
    assert.deepEqual(
      [...a.entries()],
      [
        ["UID", "5"],
        ["BODY[]", s("x")],
        ["FLAGS", []],
      ],
    );
    protocolError(() => fetchAttributes([s("UID"), "5"]), /not an atom/);
    protocolError(() => fetchAttributes([null, "5"]), /not an atom/);
    protocolError(() => fetchAttributes("UID"), /without an attribute list/);
    protocolError(() => fetchAttributes(undefined), /without an attribute list/);
  });

  it("tokenText: quoted, literal (UTF-8), NIL; undefined for atoms and lists", () => {
    assert.equal(tokenText(s("q")), "q");
    assert.equal(tokenText({ str: Buffer.from("\u00fc", "utf8") }), "\u00fc");
    assert.equal(tokenText(null), "");
    assert.equal(tokenText("ATOM"), undefined);
    assert.equal(tokenText([]), undefined);
    assert.equal(tokenText(undefined), undefined);
  });

  it("property: on random printable input tokenizeResponse returns or throws PROTOCOL_ERROR, nothing else", () => {
    const unit = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("(", ")", '"', "\\", "[", "]", "{", "}", " ", "<", ">", "NIL") },
      { weight: 5, arbitrary: fc.string({ minLength: 1, maxLength: 1 }) },
    );
    const text = fc.array(unit, { maxLength: 80 }).map((a) => a.join(""));
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            text,
            fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.nat({ max: 20 }),
        (segments, offset) => {
          try {
            const t = tokenizeResponse(segments, offset);
            assert.ok(Array.isArray(t));
          } catch (err) {
            assert.ok(err instanceof XoauthError, `threw ${String(err)}`);
            assert.equal(err.code, "PROTOCOL_ERROR");
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
