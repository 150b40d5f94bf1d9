/**
 * Server or client text in human output and text logs: control characters (C0 except tab, DEL, C1 — ESC included)
 * and the Unicode line separators and bidirectional controls are shown as `\xNN` / `\uNNNN`, so a peer cannot move
 * the cursor, recolour or clear the terminal, reorder what is displayed, or fake lines of our output.
 */

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const CONTROL_KEEP_NL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const hex = (c: string): string => {
  const n = c.charCodeAt(0);
  return n > 0xff ? `\\u${n.toString(16).padStart(4, "0")}` : `\\x${n.toString(16).padStart(2, "0")}`;
};

/** Escapes control characters; with `keepNewlines`, LF stays (for our own multi-line texts that embed server text). */
export function escapeControl(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(opts.keepNewlines ? CONTROL_KEEP_NL : CONTROL, hex);
}
