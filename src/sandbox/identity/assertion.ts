/**
 * Validates a certificate credential (`client_assertion`, RFC 7523 / Microsoft's certificate credential format):
 * header `x5t#S256` or `x5t` names a registered certificate, RS256/PS256 signature by its key,
 * `iss` = `sub` = client_id, `aud` = the token endpoint, `nbf`/`exp` window with 5 minutes of skew.
 */
import { createHash, X509Certificate } from "node:crypto";
import { decodeJwt, verifyJwtSignature } from "../../auth/jwt.js";
import type { FakeApp } from "./model.js";

export const ASSERTION_SKEW_SEC = 300;
/** Longest validity we accept between nbf (or iat) and exp. */
export const ASSERTION_MAX_LIFETIME_SEC = 600;

export type AssertionResult = { ok: true } | { ok: false; code: number; args: string[] };

function fail(code: number, ...args: string[]): AssertionResult {
  return { ok: false, code, args };
}

interface RegisteredCert {
  x509: X509Certificate;
  x5tS256: string;
  x5t: string;
}

function registered(app: FakeApp): RegisteredCert[] {
  const out: RegisteredCert[] = [];
  for (const c of app.certificates) {
    try {
      const x509 = new X509Certificate(c.certPem);
      out.push({
        x509,
        x5tS256: createHash("sha256").update(x509.raw).digest("base64url"),
        x5t: createHash("sha1").update(x509.raw).digest("base64url"),
      });
    } catch {
      // an unparsable registration never matches
    }
  }
  return out;
}

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

export function validateAssertion(
  assertion: string,
  app: FakeApp,
  acceptedAudiences: ReadonlySet<string>,
  nowSec: number,
): AssertionResult {
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    ({ header, claims } = decodeJwt(assertion));
  } catch {
    return fail(50027);
  }
  const s256 = typeof header["x5t#S256"] === "string" ? header["x5t#S256"] : undefined;
  const s1 = typeof header.x5t === "string" ? header.x5t : undefined;
  const cert = registered(app).find(
    (c) => (s256 !== undefined && c.x5tS256 === s256) || (s1 !== undefined && c.x5t === s1),
  );
  if (!cert) {
    return fail(
      700027,
      `The certificate used to sign the client assertion is not registered on application '${app.clientId}'.`,
    );
  }
  if (Date.parse(cert.x509.validTo) < nowSec * 1000) {
    return fail(
      700027,
      `The certificate used to sign the client assertion is expired on application '${app.clientId}'.`,
    );
  }
  if (!verifyJwtSignature(assertion, cert.x509.publicKey)) {
    return fail(700027, "The signature does not verify with the registered certificate.");
  }
  if (claims.iss !== app.clientId || claims.sub !== app.clientId) return fail(700021);
  const aud = typeof claims.aud === "string" ? claims.aud : "";
  if (!acceptedAudiences.has(aud.toLowerCase())) {
    return fail(700027, `The audience '${aud}' is not this token endpoint.`);
  }
  const exp = typeof claims.exp === "number" ? claims.exp : undefined;
  const nbf = typeof claims.nbf === "number" ? claims.nbf : undefined;
  const start = nbf ?? (typeof claims.iat === "number" ? claims.iat : undefined);
  const detail = `Current time: ${iso(nowSec)}, assertion valid from ${nbf === undefined ? "-" : iso(nbf)}, expiry time of assertion ${exp === undefined ? "-" : iso(exp)}.`;
  if (exp === undefined) return fail(700024, detail);
  if (nowSec > exp + ASSERTION_SKEW_SEC) return fail(700024, detail);
  if (nbf !== undefined && nowSec < nbf - ASSERTION_SKEW_SEC) return fail(700024, detail);
  if (start !== undefined && exp - start > ASSERTION_MAX_LIFETIME_SEC) return fail(700024, detail);
  return { ok: true };
}
