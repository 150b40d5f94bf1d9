/**
 * The one rewrite in the IMAP server-to-client stream after login: capability lists (`* CAPABILITY ...`, and the
 * `[CAPABILITY ...]` response code of an OK/NO/BAD/BYE/PREAUTH line, RFC 9051 sections 7.1 and 7.2.2) lose what only
 * the proxy's upstream leg may use (AUTH=..., SASL-IR, STARTTLS, LOGINDISABLED: rewriteImapCapabilities). Every
 * other byte passes unchanged. Literals (`{n}` at a line's end, RFC 9051 section 4.3) are skipped by count, so
 * message content that happens to look like a capability line is never touched.
 *
 * Synchronous (feed returns what to write now), so the pipe keeps the server's byte order exactly. Memory: at most
 * MAX_HELD bytes of an unfinished line start are held between chunks.
 */
import { rewriteImapCapabilities } from "./frontends/imap.js";

/** A line start this long without a line end is passed on undecided (a capability line is far shorter). */
const MAX_HELD = 1024;
const CAP_LINE = /^(\* CAPABILITY |\S+ (OK|NO|BAD|BYE|PREAUTH) \[CAPABILITY )/i;
const LITERAL_AT_END = /\{(\d+)\+?\}\r?\n?$/;

function literalSize(lineEnd: string): number {
  const m = LITERAL_AT_END.exec(lineEnd);
  return m ? Number(m[1]) : 0;
}

/** A capability line with the proxy-only capabilities removed (line end kept). */
export function rewriteCapabilityLine(line: string): string {
  const eol = /\r?\n$/.exec(line)?.[0] ?? "";
  const body = line.slice(0, line.length - eol.length);
  const untagged = /^(\* CAPABILITY )(.*)$/i.exec(body);
  if (untagged) return `${untagged[1]}${rewriteImapCapabilities((untagged[2] ?? "").split(" ")).join(" ")}${eol}`;
  return `${body.replace(/\[CAPABILITY ([^\]]*)\]/i, (_m, caps: string) => `[CAPABILITY ${rewriteImapCapabilities(caps.split(" ")).join(" ")}]`)}${eol}`;
}

export class ImapCapabilityFilter {
  /** Bytes of a literal still to pass. */
  private literal = 0;
  /** The start of a line not yet decided (no line end seen yet), held back. */
  private held: Buffer | undefined;
  /** Inside a line already passed on: its last bytes, to see a literal announced at its end. */
  private passTail: string | undefined;

  feed(chunk: Buffer): Buffer {
    const data = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = undefined;
    const out: Buffer[] = [];
    let start = 0;
    let pos = 0;
    while (pos < data.length) {
      if (this.literal > 0) {
        const n = Math.min(this.literal, data.length - pos);
        pos += n;
        this.literal -= n;
        continue;
      }
      const lf = data.indexOf(10, pos);
      if (this.passTail !== undefined) {
        const piece = data.subarray(pos, lf < 0 ? data.length : lf + 1).toString("latin1");
        const tail = (this.passTail + piece).slice(-32);
        if (lf < 0) {
          this.passTail = tail;
          pos = data.length;
          break;
        }
        this.passTail = undefined;
        this.literal = literalSize(tail);
        pos = lf + 1;
        continue;
      }
      if (lf < 0) {
        if (data.length - pos < MAX_HELD) {
          this.held = Buffer.from(data.subarray(pos));
          out.push(data.subarray(start, pos));
          return Buffer.concat(out);
        }
        this.passTail = data.subarray(Math.max(pos, data.length - 32)).toString("latin1");
        pos = data.length;
        break;
      }
      const head = data.subarray(pos, Math.min(lf + 1, pos + 64)).toString("latin1");
      if (CAP_LINE.test(head)) {
        out.push(data.subarray(start, pos));
        out.push(Buffer.from(rewriteCapabilityLine(data.subarray(pos, lf + 1).toString("latin1")), "latin1"));
        start = lf + 1;
      }
      this.literal = literalSize(data.subarray(Math.max(pos, lf - 31), lf + 1).toString("latin1"));
      pos = lf + 1;
    }
    if (start === 0 && out.length === 0) return data;
    out.push(data.subarray(start, pos));
    return Buffer.concat(out);
  }

  /** What is still held at the end of the stream (an unfinished last line), unchanged. */
  flush(): Buffer {
    const rest = this.held ?? Buffer.alloc(0);
    this.held = undefined;
    return rest;
  }
}
