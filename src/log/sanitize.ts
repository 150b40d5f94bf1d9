/**
 * Server text in human output: control characters (C0 except tab, DEL, C1 — ESC included) are shown as `\xNN` so a
 * server cannot move the cursor, recolour or clear the terminal, or fake lines of our output.
 */

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const CONTROL_KEEP_NL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;

/** Escapes control characters; with `keepNewlines`, LF stays (for our own multi-line texts that embed server text). */
export function escapeControl(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(opts.keepNewlines ? CONTROL_KEEP_NL : CONTROL, hex);
}
