/**
 * IMAP command reader and tokenizer for the fake server (RFC 3501 section 9 syntax, LITERAL+ from RFC 7888):
 * quoted strings, literals {n} / {n+}, parenthesized lists, atoms with [section] and <partial>. Bounded sizes.
 */
import type { ServerConn } from "./conn.js";

export type ImapToken =
  | { t: "atom"; v: string }
  | { t: "string"; v: string }
  | { t: "literal"; v: Buffer }
  | { t: "list"; v: ImapToken[] };

export class ImapSyntaxError extends Error {}

/** A command's text parts, each optionally followed by a literal. */
export interface RawCommand {
  parts: { text: string; literal?: Buffer }[];
}

const LITERAL_RE = /\{(\d{1,10})(\+?)\}$/;

/**
 * Reads one complete command (line + literals). Sends the continuation for synchronizing literals.
 * Returns null at EOF. Throws ImapSyntaxError when a literal exceeds maxLiteral or the command grows too big.
 */
export async function readCommand(conn: ServerConn, maxLiteral: number, maxTotal: number): Promise<RawCommand | null> {
  const parts: RawCommand["parts"] = [];
  let total = 0;
  for (;;) {
    const line = await conn.nextLine();
    if (line === null) return null;
    const text = line.toString("utf8");
    total += line.length;
    const m = LITERAL_RE.exec(text);
    if (!m) {
      parts.push({ text });
      return { parts };
    }
    const n = Number(m[1]);
    if (n > maxLiteral || total + n > maxTotal) throw new ImapSyntaxError("literal too big");
    if (m[2] !== "+") conn.write("+ Ready for additional command text.\r\n");
    const lit = await conn.readBytes(n);
    if (lit === null) return null;
    total += n;
    parts.push({ text: text.slice(0, m.index), literal: lit });
  }
}

/** Tokenizes a raw command into a flat token list; parenthesized lists nest. */
export function tokenize(cmd: RawCommand): ImapToken[] {
  const root: ImapToken[] = [];
  const stack: ImapToken[][] = [root];
  const top = (): ImapToken[] => stack[stack.length - 1] as ImapToken[];
  for (const part of cmd.parts) {
    const s = part.text;
    let i = 0;
    while (i < s.length) {
      const c = s[i] as string;
      if (c === " ") {
        i++;
      } else if (c === "(") {
        const l: ImapToken[] = [];
        top().push({ t: "list", v: l });
        stack.push(l);
        if (stack.length > 32) throw new ImapSyntaxError("lists nested too deep");
        i++;
      } else if (c === ")") {
        if (stack.length === 1) throw new ImapSyntaxError("unbalanced )");
        stack.pop();
        i++;
      } else if (c === '"') {
        let out = "";
        i++;
        for (;;) {
          if (i >= s.length) throw new ImapSyntaxError("unterminated string");
          const ch = s[i] as string;
          if (ch === "\\") {
            out += s[i + 1] ?? "";
            i += 2;
          } else if (ch === '"') {
            i++;
            break;
          } else {
            out += ch;
            i++;
          }
        }
        top().push({ t: "string", v: out });
      } else {
        let j = i;
        let depth = 0;
        while (j < s.length) {
          const ch = s[j] as string;
          if (ch === "[") depth++;
          else if (ch === "]") depth--;
          else if (depth === 0 && (ch === " " || ch === "(" || ch === ")")) break;
          j++;
        }
        if (depth !== 0) throw new ImapSyntaxError("unbalanced [");
        top().push({ t: "atom", v: s.slice(i, j) });
        i = j;
      }
    }
    if (part.literal) top().push({ t: "literal", v: part.literal });
  }
  if (stack.length !== 1) throw new ImapSyntaxError("unbalanced (");
  return root;
}

/** The string value of an atom, quoted string or literal (astring / mailbox name). */
export function str(tok: ImapToken | undefined): string | undefined {
  if (!tok) return undefined;
  if (tok.t === "atom" || tok.t === "string") return tok.v;
  if (tok.t === "literal") return tok.v.toString("utf8");
  return undefined;
}

/** Parses a sequence set (`1,3:5,7:*`) into a predicate over numbers; `*` means `max`. */
export function parseSequenceSet(set: string, max: number): ((n: number) => boolean) | undefined {
  if (!/^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(set)) return undefined;
  const ranges = set.split(",").map((r) => {
    const [a, b] = r.split(":").map((x) => (x === "*" ? max : Number(x))) as [number, number | undefined];
    const lo = Math.min(a, b ?? a);
    const hi = Math.max(a, b ?? a);
    return [lo, hi] as const;
  });
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

/** Quotes a string for a response (quoted if safe, else a literal). */
export function quote(s: string | undefined | null): string {
  if (s === undefined || s === null) return "NIL";
  if (/[\r\n"\\]/.test(s) || /[^\x20-\x7e]/.test(s)) return `{${Buffer.byteLength(s)}}\r\n${s}`;
  return `"${s}"`;
}
