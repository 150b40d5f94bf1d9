/** SASL PLAIN (RFC 4616 §2): `[authzid] NUL authcid NUL passwd`, UTF-8. */
import { markSecret } from "../log/redact.js";
import { decodeBase64Strict, encodeBase64 } from "./base64.js";
import type { SaslClientMechanism, SaslCredentials, SaslServerMechanism } from "./types.js";

export interface PlainMessage {
  authzid: string;
  authcid: string;
  password: string;
}

/** Builds the base64 PLAIN message (RFC 4616 §2); marked secret. */
export function buildPlain(authcid: string, password: string, authzid = ""): string {
  markSecret(password);
  const b64 = encodeBase64(`${authzid}\0${authcid}\0${password}`);
  markSecret(b64);
  return b64;
}

/** Server side (proxy): parses a base64 PLAIN message, or undefined when malformed (RFC 4616 §2). */
export function parsePlain(b64: string): PlainMessage | undefined {
  const raw = decodeBase64Strict(b64);
  if (!raw) return undefined;
  const parts = raw.toString("utf8").split("\0");
  if (parts.length !== 3) return undefined;
  const [authzid = "", authcid = "", password = ""] = parts;
  if (authcid === "" || password === "") return undefined;
  markSecret(password);
  return { authzid, authcid, password };
}

/**
 * Server side (proxy): an empty first challenge, then the message. An authorization identity other than the
 * authentication identity is refused: the proxy acts for no one else (RFC 4616 §2 leaves that to the server).
 */
export function plainServer(): SaslServerMechanism {
  return {
    emptyInitialAsksChallenge: true,
    start: () => "",
    step(response) {
      const m = parsePlain(response);
      if (!m || (m.authzid !== "" && m.authzid !== m.authcid)) return { done: true, error: "malformed" };
      return { done: true, user: m.authcid, password: m.password };
    },
  };
}

/** Client mechanism: the message is the initial response; any later challenge gets it again if not yet sent. */
export function plainMechanism(creds: SaslCredentials): SaslClientMechanism {
  const msg = (): string => buildPlain(creds.user, creds.password ?? creds.token ?? "", creds.authzid ?? "");
  return { name: "PLAIN", start: msg, step: msg };
}
