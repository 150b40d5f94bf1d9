/** ImapFramer (RFC 3501 §2.2.2, §4.3): lines, literals, limits, chunk-boundary independence, zero-copy literals. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { XoauthError } from "../../src/errors.js";
import { ImapFramer, type ImapFramerLimits } from "../../src/imap/framer.js";

type Ev = { line: string; literal: number | undefined } | { lit: Buffer } | "end";

const BIG: ImapFramerLimits = { maxLineBytes: 64 * 1024, maxLiteralBytes: 1024 * 1024 };

/** A framer recording events; literal chunks are merged into one `lit` event per literal for comparison. */
function recorder(limits: ImapFramerLimits = BIG) {
  const events: Ev[] = [];
  const chunks: Buffer[] = [];
  let lit: Buffer[] = [];
  const framer = new ImapFramer(
    {
      onLine: (line, literal) => events.push({ line, literal }),
      onLiteral: (c) => {
        chunks.push(c);
        lit.push(Buffer.from(c));
      },
      onLiteralEnd: () => {
        events.push({ lit: Buffer.concat(lit) });
        events.push("end");
        lit = [];
      },
    },
    { ...limits },
  );
  return { framer, events, chunks };
}

function limitError(fn: () => void): XoauthError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof XoauthError, `expected XoauthError, got ${String(err)}`);
    assert.equal(err.code, "LIMIT_EXCEEDED");
    return err;
  }
  assert.fail("expected LIMIT_EXCEEDED");
}

/** A Dovecot-like transcript: greeting, FETCH with a literal body, ENVELOPE literal, a {0} literal, UTF-8 text. */
const TRANSCRIPT = Buffer.concat([
  Buffer.from("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] Dovecot ready.\r\n"),
  Buffer.from("* 1 FETCH (UID 7 BODY[] {12}\r\n"),
  Buffer.from("Hi\r\n\r\nbody\r\n"),
  Buffer.from(")\r\n"),
  Buffer.from('* 2 FETCH (ENVELOPE ("date" {3}\r\nS\r\n NIL) BODY[] {0}\r\n)\r\n'),
  Buffer.from('* LIST () "/" "Gel\u00f6schte \u65e5\u672c"\r\n'),
  Buffer.from("X3 OK Fetch completed.\r\n"),
]);

const TRANSCRIPT_EVENTS: Ev[] = [
  { line: "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] Dovecot ready.", literal: undefined },
  { line: "* 1 FETCH (UID 7 BODY[] {12}", literal: 12 },
  { lit: Buffer.from("Hi\r\n\r\nbody\r\n") },
  "end",
  { line: ")", literal: undefined },
  { line: '* 2 FETCH (ENVELOPE ("date" {3}', literal: 3 },
  { lit: Buffer.from("S\r\n") },
  "end",
  { line: " NIL) BODY[] {0}", literal: 0 },
  { lit: Buffer.alloc(0) },
  "end",
  { line: ")", literal: undefined },
  { line: '* LIST () "/" "Gel\u00f6schte \u65e5\u672c"', literal: undefined },
  { line: "X3 OK Fetch completed.", literal: undefined },
];

describe("ImapFramer", () => {
  it("frames a transcript fed in one chunk into lines and literals", () => {
    const r = recorder();
    r.framer.feed(TRANSCRIPT);
    assert.deepEqual(r.events, TRANSCRIPT_EVENTS);
    assert.equal(r.framer.pendingBytes, 0);
    assert.equal(r.framer.inLiteral, false);
  });

  it("gives the same events when fed byte by byte (a split at every boundary, also inside UTF-8 sequences)", () => {
    const r = recorder();
    for (let i = 0; i < TRANSCRIPT.length; i++) r.framer.feed(TRANSCRIPT.subarray(i, i + 1));
    assert.deepEqual(r.events, TRANSCRIPT_EVENTS);
  });

  it("gives the same events for every split of the transcript into two chunks", () => {
    for (let cut = 0; cut <= TRANSCRIPT.length; cut++) {
      const r = recorder();
      r.framer.feed(TRANSCRIPT.subarray(0, cut));
      r.framer.feed(TRANSCRIPT.subarray(cut));
      assert.deepEqual(r.events, TRANSCRIPT_EVENTS, `split at ${cut}`);
    }
  });

  it("property: any chunking of any line/literal stream gives the same events as one feed", () => {
    const part = fc.oneof(
      fc
        .string({ unit: fc.constantFrom("a", " ", "(", ")", "\u00e4", "\u53f0", "\r", "}", "{", "1"), maxLength: 40 })
        .filter((s) => !/\{\d{1,12}\+?\}$/.test(s) && !s.endsWith("\r"))
        .map((s) => Buffer.from(`${s}\r\n`)),
      fc
        .uint8Array({ maxLength: 60 })
        .map((b) => Buffer.concat([Buffer.from(`* 1 FETCH (BODY[] {${b.length}}\r\n`), b])),
    );
    fc.assert(
      fc.property(
        fc.array(part, { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 30 }),
        (parts, sizes) => {
          const all = Buffer.concat([...parts, Buffer.from("X1 OK done\r\n")]);
          const one = recorder();
          one.framer.feed(all);
          const many = recorder();
          let pos = 0;
          for (let k = 0; pos < all.length; k++) {
            const n = sizes[k % sizes.length] as number;
            many.framer.feed(all.subarray(pos, pos + n));
            pos += n;
          }
          assert.deepEqual(many.events, one.events);
          assert.deepEqual(one.events.at(-1), { line: "X1 OK done", literal: undefined });
          assert.equal(many.framer.pendingBytes, 0);
          assert.equal(many.framer.inLiteral, false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("announces {n} then hands exactly n bytes to onLiteral; the continuation after them is its own line", () => {
    const r = recorder();
    r.framer.feed(Buffer.from("* 5 FETCH (BODY[] {4}\r\nab\r\n UID 9)\r\n"));
    assert.deepEqual(r.events, [
      { line: "* 5 FETCH (BODY[] {4}", literal: 4 },
      { lit: Buffer.from("ab\r\n") },
      "end",
      { line: " UID 9)", literal: undefined },
    ]);
  });

  it("treats {n+} (LITERAL+ syntax) like {n}", () => {
    const r = recorder();
    r.framer.feed(Buffer.from("* 1 FETCH (BODY[] {2+}\r\nxy)\r\n"));
    assert.deepEqual(r.events, [
      { line: "* 1 FETCH (BODY[] {2+}", literal: 2 },
      { lit: Buffer.from("xy") },
      "end",
      { line: ")", literal: undefined },
    ]);
  });

  it("a {0} literal ends at once and reading continues with the next line", () => {
    const r = recorder();
    r.framer.feed(Buffer.from("* 1 FETCH (BODY[] {0}\r\n"));
    assert.equal(r.framer.inLiteral, false);
    assert.deepEqual(r.events, [{ line: "* 1 FETCH (BODY[] {0}", literal: 0 }, { lit: Buffer.alloc(0) }, "end"]);
    assert.equal(r.chunks.length, 0, "no onLiteral call for an empty literal");
    r.framer.feed(Buffer.from(")\r\n"));
    assert.deepEqual(r.events.at(-1), { line: ")", literal: undefined });
  });

  it("accepts a bare LF as a line end, and keeps a CR that is not before the LF", () => {
    const r = recorder();
    r.framer.feed(Buffer.from("* OK bare\n* OK a\rb\r\n\n\r\nX1 OK {2}\nab"));
    assert.deepEqual(r.events, [
      { line: "* OK bare", literal: undefined },
      { line: "* OK a\rb", literal: undefined },
      { line: "", literal: undefined },
      { line: "", literal: undefined },
      { line: "X1 OK {2}", literal: 2 },
      { lit: Buffer.from("ab") },
      "end",
    ]);
  });

  it("accepts a line of exactly maxLineBytes (CRLF included) and refuses one byte more", () => {
    const limits = { maxLineBytes: 32, maxLiteralBytes: 100 };
    const ok = recorder(limits);
    ok.framer.feed(Buffer.from(`${"a".repeat(30)}\r\n`));
    assert.deepEqual(ok.events, [{ line: "a".repeat(30), literal: undefined }]);
    const bad = recorder(limits);
    const err = limitError(() => bad.framer.feed(Buffer.from(`${"a".repeat(31)}\r\n`)));
    assert.match(err.message, /line larger than 32 bytes/);
    assert.deepEqual(bad.events, []);
  });

  it("refuses an over-long line as soon as the unfinished part exceeds the limit (bounded buffering)", () => {
    const r = recorder({ maxLineBytes: 32, maxLiteralBytes: 100 });
    r.framer.feed(Buffer.from("a".repeat(20)));
    assert.equal(r.framer.pendingBytes, 20);
    r.framer.feed(Buffer.from("a".repeat(12)));
    assert.equal(r.framer.pendingBytes, 32);
    limitError(() => r.framer.feed(Buffer.from("a")));
    assert.deepEqual(r.events, []);
  });

  it("the line limit applies to the text after a literal too", () => {
    const r = recorder({ maxLineBytes: 16, maxLiteralBytes: 100 });
    r.framer.feed(Buffer.from("* 1 FETCH {40}\r\n"));
    r.framer.feed(Buffer.alloc(40, 0x61)); // literal bytes are not limited by maxLineBytes
    assert.equal(r.framer.inLiteral, false);
    limitError(() => r.framer.feed(Buffer.from(`${")".repeat(20)}\r\n`)));
  });

  it("accepts a literal of exactly maxLiteralBytes and refuses one byte more before any byte of it", () => {
    const ok = recorder({ maxLineBytes: 100, maxLiteralBytes: 10 });
    ok.framer.feed(Buffer.from("* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n"));
    assert.deepEqual(ok.events.slice(0, 2), [
      { line: "* 1 FETCH (BODY[] {10}", literal: 10 },
      { lit: Buffer.from("0123456789") },
    ]);
    const bad = recorder({ maxLineBytes: 100, maxLiteralBytes: 10 });
    const err = limitError(() => bad.framer.feed(Buffer.from("* 1 FETCH (BODY[] {11}\r\n")));
    assert.match(err.message, /literal larger than 10 bytes/);
    assert.deepEqual(bad.events, [], "the line announcing a refused literal is not handed out");
    assert.equal(bad.framer.inLiteral, false);
  });

  it("a literal announced with 13 or more digits is refused, never read as protocol lines", () => {
    for (const size of ["1234567890123", "99999999999999999999999"]) {
      const r = recorder({ maxLineBytes: 100, maxLiteralBytes: 100 });
      limitError(() => r.framer.feed(Buffer.from(`* 1 FETCH (BODY[] {${size}}\r\nX9 OK fake\r\n`)));
      assert.deepEqual(r.events, []);
    }
  });

  it("hands literal bytes out as views of the received chunks (no copy), concatenating to the literal", () => {
    const chunks: Buffer[] = [];
    const fed: Buffer[] = [];
    const framer = new ImapFramer(
      { onLine: () => {}, onLiteral: (c) => chunks.push(c), onLiteralEnd: () => {} },
      { maxLineBytes: 1000, maxLiteralBytes: 1000 },
    );
    const body = Buffer.from("0123456789".repeat(10));
    const wire = Buffer.concat([Buffer.from("* 1 FETCH (BODY[] {100}\r\n"), body, Buffer.from(")\r\n")]);
    for (const size of [7, 30, 1, 50, 200]) {
      const start = fed.reduce((n, b) => n + b.length, 0);
      const piece = wire.subarray(start, start + size);
      const c = Buffer.alloc(piece.length); // alloc: its own ArrayBuffer (Buffer.from may share the pool)
      piece.copy(c);
      fed.push(c);
      framer.feed(c);
      if (framer.inLiteral) assert.equal(framer.pendingBytes, 0, "no line bytes are held while in a literal");
    }
    assert.deepEqual(Buffer.concat(chunks), body);
    for (const c of chunks) {
      const owner = fed.find((f) => f.buffer === c.buffer);
      assert.ok(owner, "every literal chunk shares memory with a fed chunk");
      assert.ok(c.byteOffset >= owner.byteOffset && c.byteOffset + c.length <= owner.byteOffset + owner.length);
    }
    // A chunk made only of literal bytes is passed through as is.
    const framer2Chunks: Buffer[] = [];
    const f2 = new ImapFramer(
      { onLine: () => {}, onLiteral: (c) => framer2Chunks.push(c), onLiteralEnd: () => {} },
      { maxLineBytes: 1000, maxLiteralBytes: 1000 },
    );
    f2.feed(Buffer.from("* 1 FETCH (BODY[] {5}\r\n"));
    const whole = Buffer.from("hello");
    f2.feed(whole);
    assert.equal(framer2Chunks[0], whole);
  });

  it("holds at most the one unfinished line: pendingBytes counts it, and drops to 0 once it is complete", () => {
    const r = recorder();
    r.framer.feed(Buffer.from("* OK one\r\n* OK tw"));
    assert.equal(r.framer.pendingBytes, 7);
    r.framer.feed(Buffer.from("o\r\n* O"));
    assert.equal(r.framer.pendingBytes, 3);
    assert.deepEqual(
      r.events.map((e) => (typeof e === "object" && "line" in e ? e.line : e)),
      ["* OK one", "* OK two"],
    );
    r.framer.feed(Buffer.from("K\r\n"));
    assert.equal(r.framer.pendingBytes, 0);
  });

  it("inLiteral is true while literal bytes are outstanding", () => {
    const r = recorder();
    assert.equal(r.framer.inLiteral, false);
    r.framer.feed(Buffer.from("* 1 FETCH (BODY[] {3}\r\na"));
    assert.equal(r.framer.inLiteral, true);
    r.framer.feed(Buffer.from("b"));
    assert.equal(r.framer.inLiteral, true);
    r.framer.feed(Buffer.from("c"));
    assert.equal(r.framer.inLiteral, false);
  });

  it("reset() drops an unfinished line and an unfinished literal", () => {
    const r = recorder();
    r.framer.feed(Buffer.from("* OK partial"));
    r.framer.reset();
    assert.equal(r.framer.pendingBytes, 0);
    r.framer.feed(Buffer.from("X1 OK fresh\r\n"));
    assert.deepEqual(r.events, [{ line: "X1 OK fresh", literal: undefined }]);

    const l = recorder();
    l.framer.feed(Buffer.from("* 1 FETCH (BODY[] {10}\r\nabc"));
    l.framer.reset();
    assert.equal(l.framer.inLiteral, false);
    l.framer.feed(Buffer.from("X2 OK after\r\n"));
    assert.deepEqual(l.events.at(-1), { line: "X2 OK after", literal: undefined });
  });
});
