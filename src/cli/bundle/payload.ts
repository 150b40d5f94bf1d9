/**
 * The one-file bundle's layout (scripts/bundle.mjs writes it, launcher.ts reads it): a small ESM launcher, then the
 * CLI itself as CommonJS text inside one block comment at the end of the same file. Node parses the launcher and only
 * scans the comment; the launcher compiles the text with V8's code cache (code-cache.ts), which an ES module cannot
 * use on Node 20. In the text every `*` `/` pair that would end the comment has U+007F (DEL, which the CLI's text
 * never holds: the build checks) between its two characters.
 */

/** The line that opens the payload's comment (built from parts, so this module's own text never holds it). */
export const PAYLOAD_START = ["", "/*", "xoauth-mail bundle payload (CommonJS, read by the launcher above)", ""].join(
  "\n",
);
/** What closes it, at the very end of the file. */
export const PAYLOAD_END = "\n*/\n";

const ESCAPE = "\x7f";

/** The file's tail for a payload; throws on text that cannot be carried (non-ASCII, DEL). */
export function encodePayload(source: string): string {
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c > 0x7e && c !== 0x7f) throw new Error(`payload: non-ASCII character U+${c.toString(16)} at ${i}`);
    if (c === 0x7f) throw new Error(`payload: DEL character at ${i}`);
  }
  return `${PAYLOAD_START}${source.replaceAll("*/", `*${ESCAPE}/`)}${PAYLOAD_END}`;
}

/** Where the payload starts in the bundle file's text and its decoded source, or undefined when there is none. */
export function decodePayload(fileText: string): { source: string; line: number } | undefined {
  const at = fileText.indexOf(PAYLOAD_START);
  if (at < 0 || !fileText.endsWith(PAYLOAD_END)) return undefined;
  const start = at + PAYLOAD_START.length;
  let line = 0;
  for (let i = fileText.indexOf("\n"); i >= 0 && i < start; i = fileText.indexOf("\n", i + 1)) line++;
  const source = fileText.slice(start, fileText.length - PAYLOAD_END.length).replaceAll(ESCAPE, "");
  return { source, line };
}
