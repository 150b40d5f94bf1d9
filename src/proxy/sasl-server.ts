/** Server side of the password SASL mechanisms the proxy offers to legacy clients: PLAIN (RFC 4616) and LOGIN. */

export interface PasswordCredentials {
  username: string;
  password: string;
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 decode; undefined on malformed input. `=` alone is the empty initial response (RFC 4954). */
export function decodeBase64(text: string): Buffer | undefined {
  const t = text.trim();
  if (t === "=") return Buffer.alloc(0);
  if (t.length % 4 !== 0 || !B64_RE.test(t)) return undefined;
  return Buffer.from(t, "base64");
}

/** RFC 4616: `[authzid] NUL authcid NUL passwd`. An authzid different from authcid is refused. */
export function parsePlainResponse(text: string): PasswordCredentials | undefined {
  const raw = decodeBase64(text);
  if (!raw) return undefined;
  const parts = raw.toString("utf8").split("\0");
  if (parts.length !== 3) return undefined;
  const [authzid, authcid, password] = parts as [string, string, string];
  if (!authcid || !password) return undefined;
  if (authzid && authzid !== authcid) return undefined;
  return { username: authcid, password };
}

/** LOGIN mechanism: each step is one base64 string. */
export function parseLoginStep(text: string): string | undefined {
  const raw = decodeBase64(text);
  return raw?.toString("utf8");
}

export const LOGIN_USERNAME_CHALLENGE = Buffer.from("Username:").toString("base64");
export const LOGIN_PASSWORD_CHALLENGE = Buffer.from("Password:").toString("base64");
