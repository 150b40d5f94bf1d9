import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { XoauthError } from "../../src/errors.js";
import { type FramerLimits, Pop3Framer } from "../../src/pop3/framer.js";

/** Server-side dot-stuffing (RFC 1939 §3): a line is what follows CRLF; add the terminator. */
function stuff(msg: Buffer): Buffer {
  const parts: Buffer[] = [];
  let lineStart = true;
  for (let i = 0; i < msg.length; i++) {
    const c = msg[i] as number;
    if (lineStart && c === 0x2e) parts.push(Buffer.from("."));
    parts.push(msg.subarray(i, i + 1));
    lineStart = c === 10 && i > 0 && msg[i - 1] === 13;
  }
  const endsCrlf = msg.length === 0 || msg.subarray(-2).toString("latin1") === "\r\n";
  parts.push(Buffer.from(endsCrlf ? ".\r\n" : "\r\n.\r\n"));
  return Buffer.concat(parts);
}

/** What the client must deliver: the message, with its last line terminated (RFC 1939 §3). */
function expected(msg: Buffer): Buffer {
  const endsCrlf = msg.length === 0 || msg.subarray(-2).toString("latin1") === "\r\n";
  return endsCrlf ? msg : Buffer.concat([msg, Buffer.from("\r\n")]);
}

function collect(limits: Partial<FramerLimits> = {}) {
  const out = { lines: [] as string[], data: [] as string[], body: [] as Buffer[], ends: 0 };
  const f = new Pop3Framer(
    {
      onLine: (l) => out.lines.push(l),
      onDataLine: (l) => out.data.push(l),
      onBody: (b) => out.body.push(Buffer.from(b)),
      onEnd: () => out.ends++,
    },
    limits,
  );
  return { f, out };
}

function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, buf.length]) {
    if (p > prev) chunks.push(buf.subarray(prev, p));
    prev = Math.max(prev, p);
  }
  return chunks;
}

test("status lines are split on CRLF across chunks", () => {
  const { f, out } = collect();
  for (const c of ["+OK hel", "lo\r", "\n-ERR x\r\n+"]) f.feed(Buffer.from(c));
  assert.deepEqual(out.lines, ["+OK hello", "-ERR x"]);
  assert.equal(f.buffered, 1);
});

test("multi-line text replies are dot-unstuffed and end at the dot line", () => {
  const { f, out } = collect();
  f.feed(Buffer.from("+OK\r\n"));
  f.expect("lines");
  f.feed(Buffer.from("TOP\r\n..dotted\r\n.\r\n+OK next\r\n"));
  assert.deepEqual(out.data, ["TOP", ".dotted"]);
  assert.equal(out.ends, 1);
  assert.deepEqual(out.lines, ["+OK", "+OK next"]);
});

test("a body ends at CRLF.CRLF split at every byte boundary, and the framer holds until released", () => {
  const wire = Buffer.from("Subject: x\r\n\r\n..leading dot\r\nlast\r\n.\r\n+OK after\r\n");
  for (let cut = 0; cut <= wire.length; cut++) {
    const { f, out } = collect();
    f.expect("body");
    f.feed(wire.subarray(0, cut));
    f.feed(wire.subarray(cut));
    assert.equal(Buffer.concat(out.body).toString(), "Subject: x\r\n\r\n.leading dot\r\nlast\r\n", `cut ${cut}`);
    assert.equal(out.ends, 1);
    assert.deepEqual(out.lines, []);
    f.release();
    assert.deepEqual(out.lines, ["+OK after"]);
  }
});

test("an empty body is just the terminator", () => {
  const { f, out } = collect();
  f.expect("body");
  f.feed(Buffer.from(".\r\n"));
  assert.equal(out.body.length, 0);
  assert.equal(out.ends, 1);
});

test("limits: long line, large multi-line reply and large message are LIMIT_EXCEEDED", () => {
  const a = collect({ maxLineBytes: 16 });
  assert.throws(() => a.f.feed(Buffer.from("+OK 0123456789abcdef")), { code: "LIMIT_EXCEEDED" });
  const b = collect({ maxMultilineReplyBytes: 20 });
  b.f.expect("lines");
  assert.throws(() => b.f.feed(Buffer.from("1 100\r\n2 100\r\n3 100\r\n4 100\r\n")), { code: "LIMIT_EXCEEDED" });
  const c = collect({ maxMessageBytes: 10 });
  c.f.expect("body");
  assert.throws(() => c.f.feed(Buffer.from("0123456789AB")), { code: "LIMIT_EXCEEDED" });
  // a body line may be longer than maxLineBytes: bodies are bounded by size only
  const d = collect({ maxLineBytes: 8 });
  d.f.expect("body");
  d.f.feed(Buffer.from("a very long body line\r\n.\r\n"));
  assert.equal(Buffer.concat(d.out.body).toString(), "a very long body line\r\n");
});

const messageBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(".", "..", "\r\n", "\r\n.", "\r\n.\r\n", "\r", "\n", ".\r", "\r\n..\r\n", "\xff\x00"),
      fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a).toString("latin1")),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Buffer.from(parts.join(""), "latin1"));

test("property: any message, dot-stuffed and fed in random chunks, comes out byte-identical", () => {
  fc.assert(
    fc.property(messageBytes, fc.array(fc.nat(), { maxLength: 12 }), (msg, cuts) => {
      const wire = Buffer.concat([stuff(msg), Buffer.from("+OK next\r\n")]);
      const { f, out } = collect();
      f.expect("body");
      for (const c of chunked(wire, cuts)) f.feed(c);
      assert.deepEqual(Buffer.concat(out.body), expected(msg));
      assert.equal(out.ends, 1);
      f.release();
      assert.deepEqual(out.lines, ["+OK next"]);
    }),
    { numRuns: 1500 },
  );
});

test("property: random garbage in any mode never throws anything but XoauthError", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("line", "lines", "body"),
      fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }),
      (mode, chunks) => {
        const { f } = collect({ maxLineBytes: 32, maxMultilineReplyBytes: 64, maxMessageBytes: 128 });
        if (mode !== "line") f.expect(mode);
        try {
          for (const c of chunks) {
            f.feed(Buffer.from(c));
            f.release();
          }
        } catch (e) {
          assert.ok(e instanceof XoauthError);
          assert.equal(e.code, "LIMIT_EXCEEDED");
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("hold() from onLine stops after that line; take() returns the rest, also what arrives later, in order", () => {
  const lines: string[] = [];
  const f: Pop3Framer = new Pop3Framer({
    onLine: (l) => {
      lines.push(l);
      if (l.startsWith("+OK logged in")) f.hold();
    },
    onDataLine: () => {},
    onBody: () => {},
    onEnd: () => {},
  });
  f.feed(Buffer.from("+ \r\n+OK logged in\r\n+OK not a reply to us\r\nrest"));
  f.feed(Buffer.from(" and more\r\n"));
  assert.deepEqual(lines, ["+ ", "+OK logged in"]);
  assert.equal(f.take().toString("latin1"), "+OK not a reply to us\r\nrest and more\r\n");
  assert.equal(f.buffered, 0);
});
