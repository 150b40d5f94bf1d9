/**
 * Reads one IMAP command in the not-authenticated state (RFC 9051 section 2.2): tag, name and astring arguments
 * (atoms, quoted strings, literals `{n}` / `{n+}` per RFC 7888). Bounded: few literals, each at most maxLine.
 */
import { XoauthError } from "../../errors.js";
import type { ClientIo } from "../client-io.js";

const MAX_LITERALS = 4;
const LITERAL_RE = /\{(\d{1,9})(\+?)\}$/;
const TAG_RE = /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c\x7e]+$/; // ATOM-CHAR minus "+"

export interface ImapCommand {
  tag: string;
  name: string;
  args: string[];
}

export class ImapSyntaxError extends Error {
  constructor(
    message: string,
    readonly tag: string | undefined,
  ) {
    super(message);
  }
}

/** Splits text into atoms and quoted strings (backslash escapes `\"` and `\\`). Pure. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === " ") {
      i++;
      continue;
    }
    if (text[i] === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new ImapSyntaxError("Unterminated quoted string.", undefined);
        const ch = text[i] as string;
        if (ch === "\\" && i + 1 < text.length) {
          s += text[i + 1];
          i += 2;
        } else if (ch === '"') {
          i++;
          break;
        } else {
          s += ch;
          i++;
        }
      }
      out.push(s);
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== " ") j++;
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

export async function readImapCommand(io: ClientIo, maxLiteral: number): Promise<ImapCommand> {
  const tokens: string[] = [];
  let literals = 0;
  let tag: string | undefined;
  for (;;) {
    const line = await io.readLine();
    const m = LITERAL_RE.exec(line);
    const text = m ? line.slice(0, m.index) : line;
    let parts: string[];
    try {
      parts = tokenize(text);
    } catch (e) {
      const first = tag ?? line.split(" ")[0] ?? "";
      throw new ImapSyntaxError((e as Error).message, TAG_RE.test(first) ? first : undefined);
    }
    tokens.push(...parts);
    tag ??= tokens[0];
    if (tag === undefined || !TAG_RE.test(tag)) throw new ImapSyntaxError("Invalid tag.", undefined);
    if (!m) break;
    const n = Number(m[1]);
    if (++literals > MAX_LITERALS || n > maxLiteral) {
      throw new ImapSyntaxError("Literal too large or too many literals.", tag);
    }
    if (m[2] !== "+") io.write("+ Ready for literal data\r\n");
    const data = await io.readBytes(n);
    tokens.push(data.toString("utf8"));
  }
  const [t, name, ...args] = tokens;
  if (!t || !name) throw new ImapSyntaxError("Missing command.", t);
  return { tag: t, name: name.toUpperCase(), args };
}

export function isImapSyntaxError(e: unknown): e is ImapSyntaxError {
  return e instanceof ImapSyntaxError && !(e instanceof XoauthError);
}
