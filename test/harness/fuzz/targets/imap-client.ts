/**
 * IMAP client: framer -> assembler -> parser (src/imap/framer.ts, assembler.ts, parser.ts) on server
 * transcripts, and the modified UTF-7 / quoted-string encoders (utf7.ts).
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import fc from "fast-check";
import { ResponseAssembler } from "../../../../src/imap/assembler.js";
import { ImapFramer } from "../../../../src/imap/framer.js";
import {
  fetchAttributes,
  parseStatus,
  parseTagged,
  parseUntaggedHead,
  type Token,
  tokenizeResponse,
  tokenText,
} from "../../../../src/imap/parser.js";
import { STREAMED } from "../../../../src/imap/session-types.js";
import { encodeMailboxName, quoteString } from "../../../../src/imap/utf7.js";
import { LIMITS } from "../../../../src/limits.js";
import { tokenize as serverTokenize } from "../../../../src/server/imap-command.js";
import { assertTyped, type FuzzTarget, outcome } from "../fuzz-runner.js";
import { cuts, lineText, mutate, mutations, split } from "../gen.js";
import { serialize, type Tree, tree, wire } from "../imap-tokens.js";

/** What the parser must return for a tree. */
function expected(t: Tree): Token {
  switch (t.t) {
    case "atom":
      return t.v;
    case "quoted":
      return { str: t.v };
    case "literal":
      return { str: t.v };
    case "nil":
      return null;
    case "list":
      return t.v.map(expected);
  }
}

function depthOf(t: Tree): number {
  return t.t === "list" ? 1 + Math.max(0, ...t.v.map(depthOf)) : 0;
}

/** A server response: FETCH with attributes, status (tagged or not), continuation, or any line. */
const response = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 99999 }), fc.array(tree, { maxLength: 6 }), fc.boolean())
    .map(([n, attrs, body]) => {
      const list: Tree[] = body
        ? [...attrs, { t: "atom", v: "BODY[]" }, { t: "literal", v: Buffer.from("Hi\r\n") }]
        : attrs;
      return { kind: "fetch" as const, n, list, body };
    }),
  fc
    .oneof(
      fc.tuple(fc.constantFrom("* ", "* 7 ", "+ ", "+"), fc.constantFrom("OK", "NO", "BAD", "BYE", "EXISTS", "")),
      fc.tuple(fc.constantFrom("X1 ", "A "), fc.constantFrom("OK", "NO", "BAD", "ok")),
    )
    .chain(([p, s]) => lineText.map((t) => ({ kind: "line" as const, line: `${p}${s} ${t.replace(/\}$/, ")")}` }))),
);
type Resp = typeof response extends fc.Arbitrary<infer R> ? R : never;

function render(rs: readonly Resp[]): Buffer {
  return Buffer.concat(
    rs.map((r) =>
      r.kind === "line"
        ? Buffer.from(`${r.line}\r\n`)
        : wire(
            serialize([
              { t: "atom", v: `* ${r.n} FETCH` },
              { t: "list", v: r.list },
            ]),
          ),
    ),
  );
}

/** Runs bytes through framer and assembler as the session wires them; returns a comparable record. */
function drive(chunks: readonly Buffer[], stream: boolean, maxLineBytes: number) {
  const out: unknown[] = [];
  let fetches: Token[][] = [];
  const bodies: Buffer[] = [];
  let failed: string | undefined;
  const asm = new ResponseAssembler({
    sinkFor: (head) =>
      stream && /BODY\[\] \{\d+\}$/.test(head)
        ? new Writable({
            highWaterMark: 1 << 30,
            write: (c: Buffer, _e, cb) => {
              bodies.push(Buffer.from(c));
              cb();
            },
          })
        : undefined,
    emit: (r) => {
      if (r.kind !== "untagged") return void out.push(r);
      const segs = r.r.segments.map((s) => (typeof s === "string" ? s : s === STREAMED ? "<streamed>" : s));
      const kept = r.r.segments.reduce((n, s) => n + (typeof s === "string" ? Buffer.byteLength(s) : s.length), 0);
      assert.ok(kept <= LIMITS.maxMultilineReplyBytes + 2 * segs.length, "response kept in memory beyond its limit");
      out.push({ head: r.r.head, segs });
      if (r.r.head.kind === "numeric" && r.r.head.type === "FETCH") {
        const first = r.r.segments[0] as string;
        const p = outcome(() => tokenizeResponse(r.r.segments, first.indexOf("FETCH") + 6), ["PROTOCOL_ERROR"]);
        out.push(p);
        if (p.ok) {
          fetches.push(p.value);
          const attrs = outcome(() => fetchAttributes(p.value[0]), ["PROTOCOL_ERROR"]);
          if (attrs.ok) for (const v of attrs.value.values()) tokenText(v);
        }
      }
    },
    pause: () => {},
    resume: () => {},
    sinkFailed: (e) => {
      failed = e.code;
    },
  });
  const framer = new ImapFramer(
    {
      onLine: (l, n) => asm.onLine(l, n),
      onLiteral: (c) => asm.onLiteral(c),
      onLiteralEnd: () => asm.onLiteralEnd(),
    },
    { maxLineBytes, maxLiteralBytes: LIMITS.maxMessageBytes },
  );
  let error: string | undefined;
  try {
    for (const c of chunks) {
      framer.feed(c);
      assert.ok(framer.pendingBytes <= maxLineBytes);
    }
  } catch (e) {
    error = assertTyped(e, ["LIMIT_EXCEEDED", "PROTOCOL_ERROR"]).code;
  }
  const result = { out, error, failed, body: Buffer.concat(bodies) };
  const f = fetches;
  fetches = [];
  return { result, fetches: f };
}

export const imapClient: FuzzTarget = {
  name: "imap-client",
  covers: "src/imap/framer.ts, assembler.ts, parser.ts",
  property: () =>
    fc.property(
      fc.array(response, { maxLength: 6 }),
      mutations,
      cuts,
      fc.boolean(),
      fc.constantFrom(LIMITS.maxLineBytes, 64),
      (rs, muts, at, stream, maxLine) => {
        const bytes = mutate(render(rs), muts);
        const whole = drive([bytes], stream, maxLine);
        const chunked = drive(split(bytes, at), stream, maxLine);
        assert.deepEqual(chunked.result, whole.result, "chunk boundaries change nothing");
        if (muts.length === 0 && maxLine === LIMITS.maxLineBytes) {
          assert.equal(whole.result.error, undefined, "a valid transcript is accepted");
          const want = rs.flatMap((r) => {
            if (r.kind !== "fetch") return [];
            const list = r.list.map(expected);
            // a streamed body stands in the response as an empty string (the bytes went to the sink)
            if (stream && r.body) list[list.length - 1] = { str: Buffer.alloc(0) };
            return [[list]];
          });
          assert.deepEqual(whole.fetches, want);
        }
      },
    ),
};

/** Tokenizer round trip on token trees, then mutated text: the tree back, or PROTOCOL_ERROR; status lines never throw. */
export const imapParser: FuzzTarget = {
  name: "imap-parser",
  covers: "src/imap/parser.ts",
  property: () =>
    fc.property(
      fc.array(tree, { maxLength: 6 }),
      fc.integer({ min: 0, max: 24 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom("(", ")", '"', "\\", "[", "]", "{", "}", " ", "\0")), {
        maxLength: 4,
      }),
      lineText,
      (tokens, depth, edits, line) => {
        let deep = tokens;
        for (let d = 0; d < depth; d++) deep = [{ t: "list", v: deep }];
        const segs = serialize(deep);
        const got = outcome(() => tokenizeResponse(segs), ["PROTOCOL_ERROR"]);
        // Lists nest up to 16 deep (MAX_DEPTH); within that the exact tree comes back, beyond it PROTOCOL_ERROR.
        assert.equal(got.ok, Math.max(0, ...deep.map(depthOf)) <= 16, "depth cap");
        if (got.ok) assert.deepEqual(got.value, deep.map(expected));
        const text = segs.map((s) => (typeof s === "string" ? s : s.toString("latin1")));
        for (const [at, ch] of edits) {
          const i = at % text.length;
          const s = text[i] as string;
          const j = at % (s.length + 1);
          text[i] = s.slice(0, j) + ch + s.slice(j);
        }
        outcome(
          () => tokenizeResponse(text.map((s, i) => (i % 2 === 1 ? Buffer.from(s, "latin1") : s))),
          ["PROTOCOL_ERROR"],
        );
        parseStatus(line);
        parseTagged(line);
        parseUntaggedHead(line);
      },
    ),
};

/** RFC 3501 §5.1.3 decoder written independently (strict: rejects what a correct encoder never produces). */
function decodeMutf7(s: string): string {
  assert.match(s, /^[\x20-\x7e]*$/);
  return s.replace(/&([^-]*)-/g, (_, b64: string) => {
    if (b64 === "") return "&";
    assert.match(b64, /^[A-Za-z0-9+,]+$/);
    const bytes = Buffer.from(b64.replace(/,/g, "/"), "base64");
    assert.equal(bytes.length % 2, 0, "whole UTF-16 units");
    assert.equal(bytes.toString("base64").replace(/=+$/, "").replace(/\//g, ","), b64, "canonical base64");
    return bytes.swap16().toString("utf16le");
  });
}

export const imapUtf7: FuzzTarget = {
  name: "imap-utf7",
  covers: "src/imap/utf7.ts",
  property: () =>
    fc.property(
      fc.string({
        unit: fc.oneof(fc.constant("&"), fc.constant("-"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
        maxLength: 24,
      }),
      (name) => {
        const enc = encodeMailboxName(name);
        assert.equal(decodeMutf7(enc), name, "modified UTF-7 round trip");
        assert.doesNotMatch(enc, /&[^-]*&/, "no shift inside a shift");
        if (/[\r\n\0]/.test(name)) {
          assert.throws(() => quoteString(name), RangeError);
          return;
        }
        const q = quoteString(name);
        // Both IMAP tokenizers of this project read the quoted string back as it was.
        assert.deepEqual(tokenizeResponse([q]), [{ str: name }]);
        assert.deepEqual(serverTokenize({ parts: [{ text: q }] }), [{ t: "string", v: name }]);
      },
    ),
};
