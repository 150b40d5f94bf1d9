/** IMAP token trees (RFC 3501 §4, §9) and their wire form, for the client and the server tokenizer targets. */
import fc from "fast-check";

/** atom | quoted string | literal | NIL | parenthesized list. */
export type Tree =
  | { t: "atom"; v: string }
  | { t: "quoted"; v: string }
  | { t: "literal"; v: Buffer }
  | { t: "nil" }
  | { t: "list"; v: Tree[] };

const atomChars = fc.constantFrom(..."ABCXYZabcxyz0123456789.-_:/\\*%&'!#$+".split(""));
const sectionChars = fc.constantFrom(..."HEADER.FIELDS (MESSAGE-ID) 1.2 TEXT<>".split(""));

const atom = fc
  .tuple(
    fc.string({ unit: atomChars, minLength: 1, maxLength: 12 }),
    fc.option(fc.string({ unit: sectionChars, maxLength: 24 }).map((s) => `[${s}]`)),
    fc.option(fc.nat({ max: 99999 }).map((n) => `<${n}>`)),
  )
  .map(([a, sec, part]) => `${a}${sec ?? ""}${sec !== null ? (part ?? "") : ""}`)
  .filter((a) => a.toUpperCase() !== "NIL");

const quoted = fc.string({ unit: "grapheme", maxLength: 16 }).map((s) => s.replace(/[\r\n]/g, ""));

export const tree: fc.Arbitrary<Tree> = fc.letrec<{ tok: Tree }>((tie) => ({
  tok: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom.map((v) => ({ t: "atom" as const, v })),
    quoted.map((v) => ({ t: "quoted" as const, v })),
    fc.uint8Array({ maxLength: 40 }).map((v) => ({ t: "literal" as const, v: Buffer.from(v) })),
    fc.constant({ t: "nil" as const }),
    fc.array(tie("tok"), { maxLength: 5 }).map((v) => ({ t: "list" as const, v })),
  ),
})).tok;

/** Text and literal pieces of `tokens` separated by spaces: a literal ends the text before it with `{n}`. */
export function serialize(tokens: readonly Tree[]): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  let text = "";
  const walk = (ts: readonly Tree[]): void => {
    ts.forEach((tk, i) => {
      if (i > 0) text += " ";
      switch (tk.t) {
        case "atom":
          text += tk.v;
          break;
        case "quoted":
          text += `"${tk.v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
          break;
        case "nil":
          text += "NIL";
          break;
        case "literal":
          out.push(`${text}{${tk.v.length}}`, tk.v);
          text = "";
          break;
        case "list":
          text += "(";
          walk(tk.v);
          text += ")";
          break;
      }
    });
  };
  walk(tokens);
  out.push(text);
  return out;
}

/** The wire bytes of serialized pieces: each text piece is one line (CRLF), literals follow their `{n}` line. */
export function wire(pieces: readonly (string | Buffer)[]): Buffer {
  return Buffer.concat(pieces.map((p) => (typeof p === "string" ? Buffer.from(`${p}\r\n`) : p)));
}
