/** Mints v1 app-only access tokens as Entra ID issues them for Exchange Online (claims `aud`, `roles`, `oid`, `idtyp=app`, `ver 1.0`: docs/exchange-behaviour.md section 2). */
import { createPublicKey, randomUUID } from "node:crypto";
import { signJwt } from "../../auth/jwt.js";
import type { ClientCert } from "../pki.js";
import type { FakeApp, FakeTenant } from "./model.js";

/** `expires_in` of Entra's client-credentials tokens as Exchange Online gets them (about one hour). */
export const ACCESS_TOKEN_LIFETIME_SEC = 3599;

export interface SigningKey {
  kid: string;
  publicKeyPem: string;
}

/** Claim overrides: a value replaces the claim, `undefined` removes it. */
export type ClaimOverrides = Record<string, unknown>;

export function issuerFor(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export interface MintInput {
  tenant: FakeTenant;
  app: FakeApp;
  aud: string;
  /** "1" client secret, "2" certificate. */
  appidacr: "1" | "2";
  /** Roles to put in the token; empty -> no `roles` claim at all. */
  roles: readonly string[];
  lifetimeSec?: number;
  nowSec?: number;
}

export class TokenSigner {
  readonly signingKey: SigningKey;
  readonly #keyPem: string;
  readonly #cert: ClientCert;

  constructor(cert: ClientCert) {
    this.#cert = cert;
    this.#keyPem = cert.keyPem;
    this.signingKey = {
      kid: cert.x5t,
      publicKeyPem: createPublicKey(cert.keyPem).export({ type: "spki", format: "pem" }).toString(),
    };
  }

  /** The v1 claim set Entra puts into an app-only token. */
  claimsFor(input: MintInput): Record<string, unknown> {
    const now = input.nowSec ?? Math.floor(Date.now() / 1000);
    const { tenant, app } = input;
    const claims: Record<string, unknown> = {
      aud: input.aud,
      iss: issuerFor(tenant.tenantId),
      iat: now - 300,
      nbf: now - 300,
      exp: now + (input.lifetimeSec ?? ACCESS_TOKEN_LIFETIME_SEC),
      aio: randomUUID().replace(/-/g, ""),
      app_displayname: app.displayName,
      appid: app.clientId,
      appidacr: input.appidacr,
      idp: issuerFor(tenant.tenantId),
      idtyp: "app",
      oid: app.servicePrincipalObjectId,
      rh: "0.fake.",
      sub: app.servicePrincipalObjectId,
      tid: tenant.tenantId,
      uti: randomUUID().replace(/-/g, "").slice(0, 22),
      ver: "1.0",
    };
    if (input.roles.length > 0) claims.roles = [...input.roles];
    return claims;
  }

  /** Signs claims (after applying overrides) as an RS256 JWT with `kid` and `x5t` headers. */
  sign(claims: Record<string, unknown>, overrides: ClaimOverrides = {}): string {
    const out: Record<string, unknown> = { ...claims };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
    return signJwt({ alg: "RS256", kid: this.signingKey.kid, x5t: this.signingKey.kid }, out, this.#keyPem);
  }

  /** JWKS as served at `/{tenant}/discovery/v2.0/keys`. */
  jwks(issuer: string): { keys: Record<string, unknown>[] } {
    const jwk = createPublicKey(this.#keyPem).export({ format: "jwk" }) as { n: string; e: string };
    const x5c = this.#cert.certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
    return {
      keys: [
        {
          kty: "RSA",
          use: "sig",
          kid: this.signingKey.kid,
          x5t: this.signingKey.kid,
          n: jwk.n,
          e: jwk.e,
          x5c: [x5c],
          issuer,
        },
      ],
    };
  }
}
