/** SASL XOAUTH2 (Google / Microsoft "OAuth 2.0 SASL" profile; cf. RFC 7628 for the standard OAUTHBEARER). */
import { markSecret } from "../log/redact.js";
import { decodeBase64Strict, encodeBase64 } from "./base64.js";
import type { SaslClientMechanism, SaslCredentials, SaslServerMechanism } from "./types.js";

/** The initial response `base64("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")`; marked secret. */
export function buildXoauth2(user: string, token: string): string {
  markSecret(token);
  const b64 = encodeBase64(`user=${user}\x01auth=Bearer ${token}\x01\x01`);
  markSecret(b64);
  return b64;
}

/** The server's JSON error continuation (sent before the final failure; answer it with an empty line). */
export interface Xoauth2ErrorContinuation {
  status?: string;
  schemes?: string;
  scope?: string;
  [field: string]: unknown;
}

/** Decodes a base64 JSON error continuation, or undefined when the challenge is not one. */
export function parseXoauth2Error(b64: string): Xoauth2ErrorContinuation | undefined {
  const raw = decodeBase64Strict(b64);
  if (!raw || raw.length === 0) return undefined;
  try {
    const v: unknown = JSON.parse(raw.toString("utf8"));
    if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
    const o = v as Record<string, unknown>;
    const out: Xoauth2ErrorContinuation = { ...o };
    for (const k of ["status", "schemes", "scope"] as const) {
      if (o[k] !== undefined) out[k] = String(o[k]);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Server side (proxy, fakes): decodes an XOAUTH2 initial response into user and bearer token, or undefined. */
export function parseXoauth2(b64: string): { user: string; token: string } | undefined {
  const raw = decodeBase64Strict(b64);
  if (!raw) return undefined;
  const m = /^user=([^\x01]*)\x01auth=Bearer ([^\x01]+)\x01\x01$/.exec(raw.toString("utf8"));
  if (!m) return undefined;
  markSecret(m[2]);
  return { user: m[1] ?? "", token: m[2] ?? "" };
}

/** Server side (sandbox fakes): an empty first challenge, then the initial client response. */
export function xoauth2Server(): SaslServerMechanism {
  return {
    emptyInitialAsksChallenge: true,
    start: () => "",
    step(response) {
      const r = parseXoauth2(response);
      return r ? { done: true, ...r } : { done: true, error: "malformed" };
    },
  };
}

/** Client mechanism: initial response, then an empty response to the JSON error challenge. */
export function xoauth2Mechanism(creds: SaslCredentials): SaslClientMechanism {
  return {
    name: "XOAUTH2",
    start: () => buildXoauth2(creds.user, creds.token ?? ""),
    step: () => "",
  };
}
