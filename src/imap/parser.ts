/**
 * Pure IMAP response parsing (RFC 3501 §7, §9): status lines with their response code, untagged heads, and the
 * token tree of a FETCH attribute list (atoms, numbers, quoted strings, literals, NIL, parenthesized lists, section
 * atoms such as `BODY[HEADER.FIELDS (MESSAGE-ID)]<0>`). Bounded: depth and token count are capped.
 */
import { XoauthError } from "../errors.js";

/** A response as received: line text and the literals between the lines, in order. */
export type Segment = string | Buffer;

/** Atom or number (as text), string (quoted or literal), NIL, or a parenthesized list. */
export type Token = string | { str: Buffer | string } | null | Token[];

export interface StatusLine {
  status: "OK" | "NO" | "BAD" | "BYE" | "PREAUTH";
  /** Response code atom, upper-cased (`UIDVALIDITY`, `CAPABILITY`, `AUTHENTICATIONFAILED`, ...). */
  code?: string;
  /** Text after the code atom inside the brackets. */
  codeArgs?: string;
  text: string;
}

export interface TaggedLine extends StatusLine {
  tag: string;
}

export type UntaggedHead =
  | ({ kind: "status" } & StatusLine)
  | { kind: "numeric"; n: number; type: string }
  | { kind: "data"; type: string; rest: string };

const MAX_DEPTH = 16;
const MAX_TOKENS = 100_000;

function protocolError(message: string): XoauthError {
  return new XoauthError("PROTOCOL_ERROR", message);
}

// `s`: the text may hold a bare CR or U+2028/U+2029, which `.` would not match (the status was then missed).
const STATUS_RE = /^(OK|NO|BAD|BYE|PREAUTH)(?: (.*))?$/is;
const CODE_RE = /^\[([^\] ]+)(?: ([^\]]*))?\] ?(.*)$/s;

/** `OK [CODE args] text` -> parts; undefined when the text is no status. */
export function parseStatus(text: string): StatusLine | undefined {
  const m = STATUS_RE.exec(text);
  if (!m) return undefined;
  const status = (m[1] as string).toUpperCase() as StatusLine["status"];
  const rest = m[2] ?? "";
  const c = CODE_RE.exec(rest);
  if (!c) return { status, text: rest };
  return {
    status,
    code: (c[1] as string).toUpperCase(),
    ...(c[2] !== undefined ? { codeArgs: c[2] } : {}),
    text: c[3] ?? "",
  };
}

/** `A7 OK [..] text` -> tagged status; undefined when the line is untagged, a continuation, or no status. */
export function parseTagged(line: string): TaggedLine | undefined {
  const sp = line.indexOf(" ");
  if (sp <= 0 || line.startsWith("* ") || line.startsWith("+")) return undefined;
  const st = parseStatus(line.slice(sp + 1));
  return st ? { tag: line.slice(0, sp), ...st } : undefined;
}

/** The head of `* ...` (without `* `): status, `<n> TYPE`, or `TYPE rest`. */
export function parseUntaggedHead(text: string): UntaggedHead {
  const st = parseStatus(text);
  if (st) return { kind: "status", ...st };
  const num = /^(\d{1,10}) ([A-Za-z]+)/.exec(text);
  if (num) return { kind: "numeric", n: Number(num[1]), type: (num[2] as string).toUpperCase() };
  const sp = text.indexOf(" ");
  return sp === -1
    ? { kind: "data", type: text.toUpperCase(), rest: "" }
    : { kind: "data", type: text.slice(0, sp).toUpperCase(), rest: text.slice(sp + 1) };
}

/** Characters that end an atom (RFC 3501 atom-specials, minus `]` handled with sections). */
const ATOM_END = new Set([" ", "(", ")", "{", '"', "\r", "\n"]);

/**
 * Parses the tokens of `segments` starting at `offset` of the first text segment. A literal segment stands where
 * its `{n}` marker ended the preceding text.
 */
export function tokenizeResponse(segments: readonly Segment[], offset = 0): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  let count = 0;
  const push = (t: Token) => {
    if (++count > MAX_TOKENS) throw protocolError("IMAP response with too many tokens.");
    (stack[stack.length - 1] as Token[]).push(t);
  };
  for (let si = 0; si < segments.length; si++) {
    const seg = segments[si] as Segment;
    if (typeof seg !== "string") {
      push({ str: seg });
      continue;
    }
    let i = si === 0 ? offset : 0;
    // A text segment followed by a literal ends with its `{n}` marker: not a token.
    const end = si + 1 < segments.length ? seg.lastIndexOf("{") : seg.length;
    while (i < end) {
      const ch = seg[i] as string;
      if (ch === " ") {
        i++;
      } else if (ch === "(") {
        if (stack.length > MAX_DEPTH) throw protocolError("IMAP response nested too deeply.");
        const list: Token[] = [];
        push(list);
        stack.push(list);
        i++;
      } else if (ch === ")") {
        if (stack.length === 1) throw protocolError("Unbalanced ')' in IMAP response.");
        stack.pop();
        i++;
      } else if (ch === '"') {
        let out = "";
        let j = i + 1;
        for (; j < end; j++) {
          const c = seg[j] as string;
          if (c === "\\") {
            j++;
            out += seg[j] ?? "";
          } else if (c === '"') break;
          else out += c;
        }
        if (j >= end) throw protocolError("Unterminated quoted string in IMAP response.");
        push({ str: out });
        i = j + 1;
      } else {
        let j = i;
        let depth = 0;
        while (j < end) {
          const c = seg[j] as string;
          if (c === "[") depth++;
          else if (c === "]") depth = Math.max(0, depth - 1);
          else if (depth === 0 && ATOM_END.has(c)) break;
          j++;
        }
        if (j === i) throw protocolError(`Unexpected character ${JSON.stringify(ch)} in IMAP response.`);
        const atom = seg.slice(i, j);
        push(atom.toUpperCase() === "NIL" ? null : atom);
        i = j;
      }
    }
  }
  if (stack.length !== 1) throw protocolError("Unbalanced '(' in IMAP response.");
  return root;
}

/** Text of a string token (UTF-8 for literals), "" for NIL; undefined for anything else. */
export function tokenText(t: Token | undefined): string | undefined {
  if (t === null) return "";
  if (t && typeof t === "object" && !Array.isArray(t)) return typeof t.str === "string" ? t.str : t.str.toString();
  return undefined;
}

/** A FETCH attribute list `(NAME value NAME value ...)` -> map of upper-cased names (section atoms kept whole). */
export function fetchAttributes(list: Token | undefined): Map<string, Token> {
  if (!Array.isArray(list)) throw protocolError("FETCH response without an attribute list.");
  const out = new Map<string, Token>();
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (typeof name !== "string") throw protocolError("FETCH attribute name is not an atom.");
    out.set(name.toUpperCase(), list[i + 1] as Token);
  }
  return out;
}
