/**
 * Recognises unmarked token-like text: a long run of base64 / base64url / JWT characters whose letters and digits
 * change class as often as random data does. Random base64 changes between upper case, lower case and digits at
 * about 60 % of its character pairs; words, camelCase names, paths, host names, GUIDs and hex hashes stay far below.
 */
import { TOKEN_CHARS } from "./secret-pieces.js";

/** Runs shorter than this are left alone unless they hold a piece of a marked secret. */
export const TOKEN_RUN_MIN = 40;
/** Share of class changes from which a run counts as random: about 3 standard deviations below random base64. */
const RANDOM_RATIO = 0.35;

const RUN_RE = new RegExp(`[${TOKEN_CHARS}]{${TOKEN_RUN_MIN},}`, "g");
/** GUIDs (tenant, app, object IDs; 36 characters with dashes) and hex hashes are identifiers, never secrets here. */
const HARMLESS_PARTS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[0-9A-F]{16,}/gi;

type CharClass = 0 | 1 | 2 | 3;
function classOf(code: number): CharClass {
  if (code >= 65 && code <= 90) return 1;
  if (code >= 97 && code <= 122) return 2;
  if (code >= 48 && code <= 57) return 3;
  return 0;
}

/** True when `run` reads like a token, a key or a SASL blob rather than like words, names or identifiers. */
export function looksLikeToken(run: string): boolean {
  const rest = run.replace(HARMLESS_PARTS, (m) => (/^[0-9a-f-]+$/.test(m) || /^[0-9A-F-]+$/.test(m) ? "." : m));
  const seen = [0, 0, 0, 0];
  let letters = 0;
  let changes = 0;
  let prev: CharClass = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = classOf(rest.charCodeAt(i));
    if (c !== 0) {
      letters++;
      seen[c] = (seen[c] ?? 0) + 1;
      if (prev !== 0 && prev !== c) changes++;
    }
    prev = c;
  }
  if (letters < TOKEN_RUN_MIN * 0.75 || !seen[1] || !seen[2] || !seen[3]) return false;
  return changes / letters >= RANDOM_RATIO;
}

/** `text` with every token-like run of TOKEN_RUN_MIN or more characters replaced by `replacement`. */
export function redactTokenLike(text: string, replacement: string): string {
  return text.replace(RUN_RE, (run) => (looksLikeToken(run) ? replacement : run));
}
