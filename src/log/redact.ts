/**
 * Secrets are marked where they are born (`markSecret`) and removed at every sink (`redact`): the whole value, any
 * piece of it of PIECE_MIN (23) characters or more, also base64-encoded (src/log/secret-pieces.ts); anything shaped
 * like a JWT or an XOAUTH2 initial response; and any long run of token characters that reads like random data
 * (src/log/token-like.ts), even if it was never marked.
 */
import { SecretPieces } from "./secret-pieces.js";
import { redactTokenLike } from "./token-like.js";

export { PIECE_MIN } from "./secret-pieces.js";

export const REDACTED = "<redacted>";

/** Long values that come and go (tokens, SASL responses): only the newest are kept, older ones have expired. */
const MAX_EPHEMERAL = 32;
const EPHEMERAL_MIN_LENGTH = 200;

/** Marked values in marking order (a re-marked value moves to the end). */
const secrets = new Set<string>();
const pieces = new SecretPieces();
let stale = false;

function isEphemeral(value: string): boolean {
  return value.length >= EPHEMERAL_MIN_LENGTH && !value.includes("-----BEGIN");
}

/** Remember a secret value (token, client secret, password, base64 SASL response) so sinks can scrub it. */
export function markSecret(value: string | undefined | null): void {
  if (!value || value.length < 6) return;
  if (secrets.has(value)) {
    if (!isEphemeral(value)) return;
    secrets.delete(value); // most recently used last, so it is the last to be dropped
  }
  secrets.add(value);
  stale = true;
  const ephemeral = [...secrets].filter(isEphemeral);
  for (const old of ephemeral.slice(0, Math.max(0, ephemeral.length - MAX_EPHEMERAL))) secrets.delete(old);
}

let revealed = false;
/** `--show-token`: the user asked explicitly to see secrets in traces. */
export function revealSecrets(on: boolean): void {
  revealed = on;
}

const JWT_RE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
// base64 of "user=" is "dXNlcj1" — the start of every XOAUTH2 initial response.
const XOAUTH2_B64_RE = /dXNlcj1[A-Za-z0-9+/=]{16,}/g;

export function redact(text: string): string {
  if (revealed) return text;
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  if (stale) {
    pieces.rebuild(secrets);
    stale = false;
  }
  out = pieces.redact(out, REDACTED);
  return redactTokenLike(out.replace(JWT_RE, REDACTED).replace(XOAUTH2_B64_RE, REDACTED), REDACTED);
}
