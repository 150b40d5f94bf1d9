/**
 * Server side of IMAP command syntax (RFC 9051 section 9, RFC 3501 section 9), one reader for the proxy's front end
 * and the sandbox fake: tag, atoms, quoted strings, literals `{n}` / `{n+}` (LITERAL+, RFC 7888), parenthesised
 * lists and `BODY[...]` sections. Bounded: literal size, literal count, command size, list depth.
 */
export type ImapToken =
  | { t: "atom"; v: string }
  | { t: "string"; v: string }
  | { t: "literal"; v: Buffer }
  | { t: "list"; v: ImapToken[] };

/** A command the server answers with BAD; `tag` when the command's tag was readable (else the reply is `* BAD`). */
export class ImapSyntaxError extends Error {
  constructor(
    message: string,
    readonly tag?: string,
  ) {
    super(message);
  }
}

/** A command's text parts as read, each optionally followed by its literal. */
export interface RawCommand {
  parts: { text: string; literal?: Buffer }[];
}

export interface ImapCommand {
  tag: string;
  /** The command name, upper-cased. */
  name: string;
  args: ImapToken[];
  /** Bytes read for it: lines (without CRLF) and literals. */
  size: number;
}

/** `tag = 1*<any ASTRING-CHAR except "+">` (RFC 9051 section 9). */
const TAG_RE = /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c\x7e]+$/;
const LITERAL_RE = /\{(\d{1,10})(\+?)\}$/;
/** Fetch attributes whose `[...]` section may hold spaces and parentheses (RFC 9051 `fetch-att`). */
const SECTION_ATOM_RE = /^(BODY|BODY\.PEEK|BINARY|BINARY\.PEEK|BINARY\.SIZE)$/i;
const MAX_DEPTH = 32;

function validTag(tag: string | undefined): tag is string {
  return tag !== undefined && TAG_RE.test(tag);
}

/** Incremental tokenizer: text parts and literals in wire order; lists may span literals. */
class Tokenizer {
  readonly root: ImapToken[] = [];
  private readonly stack: ImapToken[][] = [this.root];

  private top(): ImapToken[] {
    return this.stack[this.stack.length - 1] as ImapToken[];
  }

  text(s: string): void {
    let i = 0;
    while (i < s.length) {
      const c = s[i] as string;
      if (c === " ") {
        i++;
      } else if (c === "(") {
        const l: ImapToken[] = [];
        this.top().push({ t: "list", v: l });
        this.stack.push(l);
        if (this.stack.length > MAX_DEPTH) throw new ImapSyntaxError("Lists nested too deep.");
        i++;
      } else if (c === ")") {
        if (this.stack.length === 1) throw new ImapSyntaxError("Unbalanced parentheses.");
        this.stack.pop();
        i++;
      } else if (c === '"') {
        i = this.quoted(s, i + 1);
      } else {
        i = this.atom(s, i);
      }
    }
  }

  /** A quoted string from just after its opening quote; backslash escapes the next character. */
  private quoted(s: string, from: number): number {
    let out = "";
    let i = from;
    for (;;) {
      if (i + (s[i] === "\\" ? 1 : 0) >= s.length) throw new ImapSyntaxError("Unterminated quoted string.");
      const ch = s[i] as string;
      if (ch === "\\") {
        out += s[i + 1];
        i += 2;
      } else if (ch === '"') {
        this.top().push({ t: "string", v: out });
        return i + 1;
      } else {
        out += ch;
        i++;
      }
    }
  }

  /** An atom up to a space or parenthesis; after BODY / BINARY a `[...]` section may contain both. */
  private atom(s: string, from: number): number {
    let j = from;
    while (j < s.length) {
      const ch = s[j] as string;
      if (ch === " " || ch === "(" || ch === ")") break;
      if (ch === "[" && SECTION_ATOM_RE.test(s.slice(from, j))) {
        const close = s.indexOf("]", j);
        if (close < 0) throw new ImapSyntaxError("Unterminated section.");
        j = close + 1;
      } else {
        j++;
      }
    }
    this.top().push({ t: "atom", v: s.slice(from, j) });
    return j;
  }

  literal(data: Buffer): void {
    this.top().push({ t: "literal", v: data });
  }

  finish(): ImapToken[] {
    if (this.stack.length !== 1) throw new ImapSyntaxError("Unbalanced parentheses.");
    return this.root;
  }
}

/** Tokenizes a raw command into a flat token list; parenthesised lists nest. Pure; throws ImapSyntaxError. */
export function tokenize(cmd: RawCommand): ImapToken[] {
  const tk = new Tokenizer();
  for (const part of cmd.parts) {
    tk.text(part.text);
    if (part.literal) tk.literal(part.literal);
  }
  return tk.finish();
}

/** The string value of an atom, quoted string or literal (astring); undefined for a list or nothing. */
export function str(tok: ImapToken | undefined): string | undefined {
  if (!tok) return undefined;
  if (tok.t === "atom" || tok.t === "string") return tok.v;
  if (tok.t === "literal") return tok.v.toString("utf8");
  return undefined;
}

/** Where a command comes from: lines (null at the end of input), counted bytes, and the continuation request. */
export interface CommandSource {
  line(): Promise<string | null>;
  bytes(n: number): Promise<Buffer | null>;
  write(text: string): void;
}

export interface CommandLimits {
  /** Largest literal. */
  maxLiteral: number;
  /** Most literals in one command (default: bounded by maxTotal only). */
  maxLiterals?: number;
  /** Largest command: lines plus literals (default: unbounded beyond the literal limits). */
  maxTotal?: number;
  /** The text after `+ ` that asks for a synchronizing literal. */
  continuation: string;
}

/**
 * Reads one complete command (line + literals), tokenizing each line as it arrives: a syntax error, a bad tag or an
 * oversized literal is refused before the literal is requested or read. Null at the end of input.
 */
export async function readImapCommand(src: CommandSource, limits: CommandLimits): Promise<ImapCommand | null> {
  const tk = new Tokenizer();
  let literals = 0;
  let tag: string | undefined;
  let total = 0;
  for (;;) {
    const line = await src.line();
    if (line === null) return null;
    total += Buffer.byteLength(line);
    const m = LITERAL_RE.exec(line);
    const text = m ? line.slice(0, m.index) : line;
    try {
      tk.text(text);
    } catch (e) {
      const first = tag ?? line.split(" ")[0];
      throw new ImapSyntaxError((e as Error).message, validTag(first) ? first : undefined);
    }
    if (tag === undefined) {
      const t = tk.root[0];
      if (t?.t !== "atom" || !validTag(t.v)) throw new ImapSyntaxError("Invalid tag.");
      tag = t.v;
    }
    if (!m) break;
    const n = Number(m[1]);
    if (
      n > limits.maxLiteral ||
      ++literals > (limits.maxLiterals ?? Number.POSITIVE_INFINITY) ||
      total + n > (limits.maxTotal ?? Number.POSITIVE_INFINITY)
    ) {
      throw new ImapSyntaxError("Literal too large or too many literals.", tag);
    }
    if (m[2] !== "+") src.write(`+ ${limits.continuation}\r\n`);
    const data = await src.bytes(n);
    if (data === null) return null;
    total += n;
    tk.literal(data);
  }
  let toks: ImapToken[];
  try {
    toks = tk.finish();
  } catch (e) {
    throw new ImapSyntaxError((e as Error).message, tag);
  }
  const name = str(toks[1])?.toUpperCase();
  if (!name) throw new ImapSyntaxError("Missing command.", tag);
  return { tag, name, args: toks.slice(2), size: total };
}
