/**
 * Secrets are marked where they are born (`markSecret`) and removed at every sink (`redact`).
 * Also catches anything shaped like a JWT or an XOAUTH2 initial response even if it was never marked.
 */
const secrets = new Set<string>();

export const REDACTED = "<redacted>";

/** Remember a secret value (token, client secret, password, base64 SASL response) so sinks can scrub it. */
export function markSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) secrets.add(value);
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
  return out.replace(JWT_RE, REDACTED).replace(XOAUTH2_B64_RE, REDACTED);
}
