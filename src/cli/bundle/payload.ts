/**
 * The one-file bundle's layout (scripts/bundle.mjs writes it, run.ts reads it): a small ESM launcher, then the CLI
 * itself as CommonJS text inside one block comment at the end of the same file. Node parses the launcher and only
 * scans the comment; run.ts compiles the text with V8's code cache (code-cache.ts), which an ES module cannot use on
 * Node 20. The comment's first line names the build (a hash of the text: the code cache's key). In the text every
 * `*` `/` pair that would end the comment has U+007F (DEL, which the CLI's text never holds: the build checks)
 * between its two characters.
 */

/** What opens the payload's comment, before the build id (built from parts: this module's text never holds it). */
const START = ["", "/*", "xoauth-mail bundle payload "].join("\n");
/** The rest of the comment's first line, after the build id. */
const START_REST = " (CommonJS, read by the launcher above)\n";
/** What closes it, at the very end of the file. */
export const PAYLOAD_END = "\n*/\n";

const ESCAPE = "\x7f";
const BUILD_ID = /^[0-9a-f]{8,64}$/;

export interface Payload {
  /** The CLI's text: a CommonJS module wrapped in its function (exports, require, module, __filename, __dirname). */
  source: string;
  /** The build id from the comment's first line. */
  buildId: string;
  /** The 0-based line of the file the text starts on (for stack traces). */
  line: number;
}

/** The file's tail for a payload; throws on text that cannot be carried (non-ASCII, DEL) or a malformed id. */
export function encodePayload(source: string, buildId: string): string {
  if (!BUILD_ID.test(buildId)) throw new Error(`payload: build id "${buildId}" is not 8-64 hex digits`);
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x7f) throw new Error(`payload: DEL character at ${i}`);
    if (c > 0x7f) throw new Error(`payload: non-ASCII character U+${c.toString(16)} at ${i}`);
  }
  return `${START}${buildId}${START_REST}${source.replaceAll("*/", `*${ESCAPE}/`)}${PAYLOAD_END}`;
}

/**
 * The payload of a bundle file, or undefined when it holds none. Works on the file's bytes so that the 4 MB text
 * exists once, as the string V8 compiles (as a string read, sliced and unescaped it was made three times, which
 * raised the CLI's peak RSS by ~12 MB: the big strings wait for a full garbage collection).
 */
export function decodePayload(file: Buffer): Payload | undefined {
  const at = file.indexOf(START, 0, "latin1");
  if (at < 0 || !file.subarray(file.length - PAYLOAD_END.length).equals(Buffer.from(PAYLOAD_END, "latin1"))) {
    return undefined;
  }
  const idEnd = file.indexOf(START_REST, at + START.length, "latin1");
  if (idEnd < 0) return undefined;
  const buildId = file.toString("latin1", at + START.length, idEnd);
  if (!BUILD_ID.test(buildId)) return undefined;
  const start = idEnd + START_REST.length;
  let line = 0;
  for (let i = file.indexOf(10); i >= 0 && i < start; i = file.indexOf(10, i + 1)) line++;
  // Drop each DEL in place (the bytes are the caller's, read for this), then decode once.
  const del = ESCAPE.charCodeAt(0);
  const last = file.length - PAYLOAD_END.length;
  let end = start;
  for (let from = start; from < last; ) {
    let i = file.indexOf(del, from);
    if (i < 0 || i > last) i = last;
    if (from !== end) file.copyWithin(end, from, i);
    end += i - from;
    from = i + 1;
  }
  return { source: file.toString("latin1", start, end), buildId, line };
}
