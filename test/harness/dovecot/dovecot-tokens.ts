/**
 * Test tokens shaped like Exchange Online v1 app-only access tokens (claims: docs/exchange-behaviour.md section 2), signed RS256 with a
 * local key that a test Dovecot trusts. Until every test uses the identity fake, this is the simple way to mint one.
 */
import { generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { signJwt } from "../../../src/auth/jwt.js";

export interface TestTokenSigner {
  kid: string;
  publicKeyPem: string;
  tid: string;
  issuer: string;
  audience: string;
  appid: string;
  oid: string;
  /** A token valid for an hour; `claims` overrides or removes (undefined) any claim. */
  mint(claims?: Record<string, unknown>): string;
}

export function createTestTokenSigner(opts: { audience?: string; kid?: string } = {}): TestTokenSigner {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const tid = randomUUID();
  const appid = randomUUID();
  const oid = randomUUID();
  const issuer = `https://sts.windows.net/${tid}/`;
  const audience = opts.audience ?? "https://outlook.office.com";
  const kid = opts.kid ?? "test-key-1";
  const key: KeyObject = privateKey;
  return {
    kid,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    tid,
    issuer,
    audience,
    appid,
    oid,
    mint(claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      const base: Record<string, unknown> = {
        aud: audience,
        iss: issuer,
        iat: now - 60,
        nbf: now - 60,
        exp: now + 3600,
        appid,
        appidacr: "1",
        idtyp: "app",
        oid,
        sub: oid,
        tid,
        roles: ["POP.AccessAsApp", "IMAP.AccessAsApp", "SMTP.SendAsApp"],
        ver: "1.0",
      };
      const all = { ...base, ...claims };
      for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
      return signJwt({ alg: "RS256", kid, x5t: kid }, all, key);
    },
  };
}

/** The token options of startDovecot() that make Dovecot accept `signer`'s tokens (its issuer, audience and key). */
export function trusting(signer: TestTokenSigner): {
  issuer: string;
  audience: string;
  keys: { kid: string; publicKeyPem: string }[];
} {
  return {
    issuer: signer.issuer,
    audience: signer.audience,
    keys: [{ kid: signer.kid, publicKeyPem: signer.publicKeyPem }],
  };
}
