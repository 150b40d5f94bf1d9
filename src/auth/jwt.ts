/** Minimal JWS compact helpers on node:crypto: decode (no validation), sign and verify RS256 / PS256. */
import { constants, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { XoauthError } from "../errors.js";
import type { TokenClaims } from "./types.js";

export type JwtAlg = "RS256" | "PS256";

export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  x5t?: string;
  "x5t#S256"?: string;
  [k: string]: unknown;
}

export function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

function parsePart(part: string | undefined, what: string): Record<string, unknown> {
  if (!part) throw new XoauthError("PROTOCOL_ERROR", `not a JWT: missing ${what}`);
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new XoauthError("PROTOCOL_ERROR", `not a JWT: ${what} is not base64url JSON`);
}

/** Decodes header and claims without checking the signature (the client never validates Exchange tokens). */
export function decodeJwt(token: string): { header: JwtHeader; claims: TokenClaims } {
  const parts = token.split(".");
  if (parts.length !== 3) throw new XoauthError("PROTOCOL_ERROR", "not a JWT: expected three dot-separated parts");
  return { header: parsePart(parts[0], "header") as JwtHeader, claims: parsePart(parts[1], "payload") as TokenClaims };
}

function signOpts(
  alg: JwtAlg,
  key: KeyObject | string,
): { key: KeyObject | string; padding: number; saltLength?: number } {
  return alg === "PS256"
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    : { key, padding: constants.RSA_PKCS1_PADDING };
}

export function signJwt(
  header: Omit<JwtHeader, "alg"> & { alg: JwtAlg },
  claims: Record<string, unknown>,
  privateKey: KeyObject | string,
): string {
  const input = `${b64url(JSON.stringify({ typ: "JWT", ...header }))}.${b64url(JSON.stringify(claims))}`;
  const sig = sign("sha256", Buffer.from(input), signOpts(header.alg, privateKey) as Parameters<typeof sign>[2]);
  return `${input}.${b64url(sig)}`;
}

/** Verifies the signature only (RS256 or PS256); returns the decoded token, or undefined if it does not verify. */
export function verifyJwtSignature(
  token: string,
  publicKey: KeyObject | string,
): { header: JwtHeader; claims: TokenClaims } | undefined {
  let decoded: { header: JwtHeader; claims: TokenClaims };
  try {
    decoded = decodeJwt(token);
  } catch {
    return undefined;
  }
  const alg = decoded.header.alg;
  if (alg !== "RS256" && alg !== "PS256") return undefined;
  const [h, p, s] = token.split(".") as [string, string, string];
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  const ok = verify(
    "sha256",
    Buffer.from(`${h}.${p}`),
    signOpts(alg, key) as Parameters<typeof verify>[2],
    Buffer.from(s, "base64url"),
  );
  return ok ? decoded : undefined;
}
