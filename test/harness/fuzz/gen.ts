/**
 * Structure-aware generators shared by the fuzz targets: valid frames first, then random mutations (bytes inserted,
 * replaced, deleted, duplicated; CR/LF/NUL; literal markers with wrong or huge sizes; invalid UTF-8) and random
 * chunk boundaries.
 */
import fc from "fast-check";
import { LIMITS } from "../../../src/limits.js";

/** Cut points for `split`; `[-1]` means one byte per chunk. */
export const cuts: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.nat(), { maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constant([-1]).map((a) => [...a]) },
);

/** `buf` split at the given cut points (taken modulo its length); empty chunks are dropped. */
export function split(buf: Buffer, at: readonly number[]): Buffer[] {
  if (at.length === 1 && at[0] === -1) return [...buf].map((b) => Buffer.from([b]));
  const points = [...new Set(at.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, buf.length]) {
    if (p > prev) out.push(buf.subarray(prev, p));
    prev = Math.max(prev, p);
  }
  return out;
}

/** Sizes around the bounds of src/limits.ts and past what a number can hold. */
export const hugeNumber: fc.Arbitrary<string> = fc.constantFrom(
  String(LIMITS.maxImapLiteralBytes),
  String(LIMITS.maxImapLiteralBytes + 1),
  String(LIMITS.maxMessageBytes + 1),
  String(LIMITS.maxLineBytes + 1),
  "4294967296",
  "9007199254740993",
  "99999999999999999999999",
  "0",
  "00000000000000000001",
  "-1",
);

/** Byte strings that break framers and tokenizers. */
const nasty = [
  "\r",
  "\n",
  "\r\n",
  "\0",
  ".",
  "\r\n.\r\n",
  "{",
  "}",
  "{0}",
  "{5}\r\n",
  "{3+}\r\n",
  "(",
  ")",
  '"',
  "\\",
  "[",
  "]",
  "*",
  "+",
  " ",
  "=",
  "\x01",
  "\xff",
  "\xc3",
  "\xed\xa0\x80",
  "NIL",
];

export const nastyBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom(...nasty).map((s) => Buffer.from(s, "latin1")),
  hugeNumber.map((n) => Buffer.from(`{${n}}\r\n`)),
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((a) => Buffer.from(a)),
);

type Mutation =
  | { op: "insert"; at: number; bytes: Buffer }
  | { op: "replace"; at: number; bytes: Buffer }
  | { op: "delete"; at: number; n: number }
  | { op: "dup"; at: number; n: number }
  | { op: "truncate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: nastyBytes }),
  fc.record({ op: fc.constant("replace" as const), at: fc.nat(), bytes: nastyBytes }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant("dup" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
);

/** Random edits; the empty list (no mutation) is generated often enough to check exact results of valid input. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null).map((): Mutation[] => []) },
  { weight: 5, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 6 }) },
);

export function mutate(buf: Buffer, ms: readonly Mutation[]): Buffer {
  let b = buf;
  for (const m of ms) {
    const at = m.at % (b.length + 1);
    switch (m.op) {
      case "insert":
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case "replace":
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at + m.bytes.length)]);
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]);
        break;
      case "dup":
        b = Buffer.concat([b.subarray(0, at + m.n), b.subarray(at)]);
        break;
      case "truncate":
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

/** Text of one protocol line: printable, Unicode, and the characters framers care about (never LF). */
export const lineText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) },
      { weight: 2, arbitrary: fc.constantFrom(".", " ", "\0", "{", "}", "[", "]", "(", ")", '"', "\\", "\t", "+") },
      // a bare CR stays inside a line (only LF ends one); JavaScript's `.` matches none of these
      { weight: 1, arbitrary: fc.constantFrom("\r", "\u2028", "\u2029", "\u0085") },
    ),
    { maxLength: 8 },
  )
  .map((p) => p.join("").replace(/\n/g, ""));

/** Base64 that is valid, subtly invalid (bad padding, alphabet, length), or plain garbage. */
export function base64Variants(payload: fc.Arbitrary<Buffer>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: payload.map((b) => b.toString("base64")) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(payload, fc.constantFrom("=", "==", "===", "-", "_", " ", "*", "\0", "é", "A", "\t"), fc.nat())
        .map(([b, junk, at]) => {
          const s = b.toString("base64");
          const i = at % (s.length + 1);
          return s.slice(0, i) + junk + s.slice(i);
        }),
    },
    { weight: 1, arbitrary: payload.map((b) => b.toString("base64url")) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

/** JSON objects whose values fight String(): own toString/valueOf that are not functions, prototype keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.dictionary(
  fc.constantFrom(
    "status",
    "schemes",
    "scope",
    "toString",
    "valueOf",
    "__proto__",
    "constructor",
    "roles",
    "exp",
    "aud",
  ),
  fc.oneof(
    fc.jsonValue(),
    fc.constant({ toString: 1 }),
    fc.constant({ toString: {}, valueOf: {} }),
    fc.constant([{ toString: null }]),
    fc.constantFrom(1e300, -1e300, 8.64e15, 8.64e12 + 1, Number.MAX_SAFE_INTEGER + 2),
  ),
  { maxKeys: 5 },
);
