/**
 * Finds pieces of marked secrets in text: not only the whole value, but any run of at least PIECE_MIN characters of
 * it, of its base64 (at each of the three byte alignments, so the base64 of any substring is found too) and of the
 * base64url spellings. A server that echoes the XOAUTH2 response minus its first characters, splits it over two
 * lines or decodes it ("auth=Bearer <token>") shows a piece of a marked value, and that piece is found here.
 *
 * Index: every STRIDE-th window of WINDOW characters of each form is hashed; a piece of WINDOW + STRIDE - 1
 * characters always contains one such window. Text is scanned at every position and a hash hit is compared with
 * the form it came from, so a hit is never a guess.
 */

const WINDOW = 16;
const STRIDE = 8;
/** The shortest piece that is always found (shorter ones may be). */
export const PIECE_MIN = WINDOW + STRIDE - 1;

/** The characters of tokens, base64, base64url and client secrets; a run of them is redacted as a whole. */
export const TOKEN_CHARS = "A-Za-z0-9+/=_.~-";
const RUN_RE = new RegExp(`[${TOKEN_CHARS}]{${WINDOW},}`, "g");
const FORM_CHAR = new RegExp(`^[${TOKEN_CHARS}]$`);

/** base64url and base64 are matched as one: `-` reads as `+`, `_` as `/` (same length, same positions). */
function fold(s: string): string {
  return s.replace(/-/g, "+").replace(/_/g, "/");
}

const MOD = 1_000_000_007;
const BASE = 131;

function hashAt(s: string, at: number): number {
  let h = 0;
  for (let i = at; i < at + WINDOW; i++) h = (h * BASE + s.charCodeAt(i)) % MOD;
  return h;
}

/** BASE^(WINDOW-1) mod MOD, to drop the leading character of a rolling hash. */
const TOP = (() => {
  let p = 1;
  for (let i = 1; i < WINDOW; i++) p = (p * BASE) % MOD;
  return p;
})();

/** The spellings of a secret that can appear in output: itself and its base64 from byte offsets 0, 1 and 2. */
function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms = [secret];
  for (let off = 0; off < 3 && bytes.length - off >= 12; off++) forms.push(bytes.subarray(off).toString("base64"));
  return forms.map(fold).filter((f) => f.length >= WINDOW);
}

export class SecretPieces {
  private forms: string[] = [];
  /** Window hash -> positions (form index * 2^21 + offset). */
  private index = new Map<number, number[]>();

  /** Replaces the index with the pieces of `secrets`. */
  rebuild(secrets: Iterable<string>): void {
    this.forms = [];
    this.index = new Map();
    for (const secret of secrets) {
      for (const form of formsOf(secret)) {
        const f = this.forms.push(form) - 1;
        for (let at = 0; at + WINDOW <= form.length; at += STRIDE) {
          if (!isTokenRun(form, at)) continue;
          const h = hashAt(form, at);
          const list = this.index.get(h);
          const pos = f * 2 ** 21 + at;
          if (list) list.push(pos);
          else this.index.set(h, [pos]);
        }
      }
    }
  }

  get empty(): boolean {
    return this.index.size === 0;
  }

  /** `text` with every run of token characters that holds a piece of a secret replaced by `replacement`. */
  redact(text: string, replacement: string): string {
    if (this.empty || text.length < WINDOW) return text;
    const folded = fold(text);
    return text.replace(RUN_RE, (run, start: number) =>
      this.holdsPiece(folded, start, start + run.length) ? replacement : run,
    );
  }

  private holdsPiece(folded: string, start: number, end: number): boolean {
    let h = hashAt(folded, start);
    for (let at = start; ; at++) {
      const hits = this.index.get(h);
      if (hits?.some((pos) => this.matches(folded, at, pos))) return true;
      if (at + WINDOW >= end) return false;
      h = (h - ((folded.charCodeAt(at) * TOP) % MOD) + MOD) % MOD;
      h = (h * BASE + folded.charCodeAt(at + WINDOW)) % MOD;
    }
  }

  private matches(folded: string, at: number, pos: number): boolean {
    const form = this.forms[Math.floor(pos / 2 ** 21)] as string;
    const off = pos % 2 ** 21;
    for (let i = 0; i < WINDOW; i++) if (folded.charCodeAt(at + i) !== form.charCodeAt(off + i)) return false;
    return true;
  }
}

function isTokenRun(s: string, at: number): boolean {
  for (let i = at; i < at + WINDOW; i++) if (!FORM_CHAR.test(s[i] as string)) return false;
  return true;
}
