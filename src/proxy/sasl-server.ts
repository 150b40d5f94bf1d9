/** Server side of the password SASL mechanisms the proxy offers to legacy clients: PLAIN (RFC 4616) and LOGIN. */
import type { ClientIo } from "./client-io.js";

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

/** The protocol's wording around the shared SASL exchange (POP3 `+ `/`-ERR`, SMTP `334 `/`501`). */
export interface SaslWording {
  /** A server challenge line without CRLF, e.g. `+ ${c}` or `334 ${c}`. */
  challenge(base64: string): string;
  cancelled: string;
  invalid(mech: "PLAIN" | "LOGIN"): string;
}

/**
 * `AUTH <mech> [initial-response]` arguments (RFC 5034 section 4, RFC 4954 section 4): the upper-cased mechanism and
 * the optional initial response; undefined for a mechanism other than PLAIN/LOGIN or extra arguments.
 */
export function parseAuthArgs(arg: string): { mech: "PLAIN" | "LOGIN"; initial: string | undefined } | undefined {
  const [mechRaw, initial, extra] = arg.split(" ");
  const mech = (mechRaw ?? "").toUpperCase();
  if ((mech !== "PLAIN" && mech !== "LOGIN") || extra !== undefined) return undefined;
  return { mech, initial };
}

/**
 * Runs a PLAIN or LOGIN exchange (the client cancels with `*`): the credentials, or the reply line (no CRLF) to send
 * when it was cancelled or malformed.
 */
export async function readPasswordSasl(
  io: Pick<ClientIo, "readLine" | "write">,
  mech: "PLAIN" | "LOGIN",
  initial: string | undefined,
  wording: SaslWording,
): Promise<PasswordCredentials | string> {
  const step = async (challenge: string): Promise<string | undefined> => {
    io.write(`${wording.challenge(challenge)}\r\n`);
    const l = await io.readLine();
    return l.trim() === "*" ? undefined : l;
  };
  if (mech === "PLAIN") {
    const resp = initial ?? (await step(""));
    if (resp === undefined) return wording.cancelled;
    return parsePlainResponse(resp) ?? wording.invalid(mech);
  }
  const u = initial ?? (await step(LOGIN_USERNAME_CHALLENGE));
  if (u === undefined) return wording.cancelled;
  const username = parseLoginStep(u);
  if (!username) return wording.invalid(mech);
  const p = await step(LOGIN_PASSWORD_CHALLENGE);
  if (p === undefined) return wording.cancelled;
  const password = parseLoginStep(p);
  if (!password) return wording.invalid(mech);
  return { username, password };
}
