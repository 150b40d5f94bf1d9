import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { decodeJwt, verifyJwtSignature } from "../../../src/auth/jwt.js";
import { IdentityFake, SANDBOX_ROLES } from "../../../src/sandbox/identity/index.js";
import { createTestPki } from "../../../src/sandbox/pki.js";
import { makeAssertion, postToken } from "../../harness/sandbox/identity-http.js";
import {
  APP,
  APP_SP,
  DOMAIN,
  NOCONSENT,
  SCOPE,
  SECRET,
  TID,
  testCerts,
  testTenants,
} from "../../harness/sandbox/identity-tenants.js";

const pki = createTestPki();
const certs = testCerts(pki);
const fake = new IdentityFake({ pki, tenants: testTenants(certs.cert, certs.expiredCert) });

before(() => fake.start());
after(() => fake.stop());

function tokenOf(text: string): { header: Record<string, unknown>; claims: Record<string, unknown>; raw: string } {
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in", "ext_expires_in", "token_type"]);
  assert.equal(body.token_type, "Bearer");
  assert.equal(body.expires_in, 3599);
  assert.equal(body.ext_expires_in, 3599);
  const raw = String(body.access_token);
  const { header, claims } = decodeJwt(raw);
  return { header, claims, raw };
}

describe("client secret", () => {
  test("issues a v1 app-only token with every claim Exchange needs", async () => {
    const r = await postToken(fake, TID, {
      client_id: APP,
      client_secret: SECRET,
      scope: SCOPE,
      grant_type: "client_credentials",
    });
    assert.equal(r.status, 200, r.text);
    assert.match(String(r.headers["cache-control"]), /no-store/);
    const { header, claims, raw } = tokenOf(r.text);
    assert.equal(header.alg, "RS256");
    assert.equal(header.kid, fake.signingKey.kid);
    assert.ok(verifyJwtSignature(raw, fake.signingKey.publicKeyPem));
    assert.equal(claims.aud, "https://outlook.office365.com");
    assert.equal(claims.iss, `https://sts.windows.net/${TID}/`);
    assert.equal(claims.iss, fake.issuerFor(TID));
    assert.equal(claims.tid, TID);
    assert.equal(claims.appid, APP);
    assert.equal(claims.appidacr, "1");
    assert.equal(claims.idtyp, "app");
    assert.equal(claims.oid, APP_SP);
    assert.equal(claims.sub, APP_SP);
    assert.equal(claims.ver, "1.0");
    assert.deepEqual(claims.roles, [...SANDBOX_ROLES]);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(typeof claims.iat === "number" && claims.iat <= now);
    assert.ok(typeof claims.nbf === "number" && claims.nbf <= now);
    assert.ok(typeof claims.exp === "number" && claims.exp > now + 3000 && claims.exp <= now + 3600);
  });

  test("the tenant may be given by any verified domain, case-insensitively", async () => {
    for (const t of [DOMAIN, "Fabrikam.Example"]) {
      const r = await postToken(fake, t, {
        client_id: APP,
        client_secret: SECRET,
        scope: SCOPE,
        grant_type: "client_credentials",
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(tokenOf(r.text).claims.tid, TID);
    }
  });

  test("without admin consent the roles claim is absent, not empty", async () => {
    const r = await postToken(fake, TID, {
      client_id: NOCONSENT,
      client_secret: SECRET,
      scope: SCOPE,
      grant_type: "client_credentials",
    });
    assert.equal(r.status, 200, r.text);
    const { claims } = tokenOf(r.text);
    assert.equal("roles" in claims, false);
    assert.equal(claims.appid, NOCONSENT);
  });

  test("a Graph scope yields a Graph audience and no Exchange roles", async () => {
    const r = await postToken(fake, TID, {
      client_id: APP,
      client_secret: SECRET,
      scope: "https://graph.microsoft.com/.default",
      grant_type: "client_credentials",
    });
    const { claims } = tokenOf(r.text);
    assert.equal(claims.aud, "https://graph.microsoft.com");
    assert.equal("roles" in claims, false);
  });
});

describe("certificate credential", () => {
  const aud = () => fake.tokenEndpoint(TID);
  const certForm = (assertion: string) => ({
    client_id: APP,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
    scope: SCOPE,
    grant_type: "client_credentials",
  });

  test("PS256 with x5t#S256 is accepted and marked appidacr 2", async () => {
    const r = await postToken(fake, TID, certForm(makeAssertion(certs.cert, { clientId: APP, aud: aud() })));
    assert.equal(r.status, 200, r.text);
    const { claims } = tokenOf(r.text);
    assert.equal(claims.appidacr, "2");
    assert.equal(claims.oid, APP_SP);
  });

  test("RS256 with a SHA-1 x5t (older practice) is accepted", async () => {
    const a = makeAssertion(certs.cert, { clientId: APP, aud: aud(), alg: "RS256", thumb: "SHA1" });
    const r = await postToken(fake, TID, certForm(a));
    assert.equal(r.status, 200, r.text);
  });

  test("aud may name the tenant by domain when the request does", async () => {
    const a = makeAssertion(certs.cert, { clientId: APP, aud: fake.tokenEndpoint(DOMAIN) });
    const r = await postToken(fake, DOMAIN, certForm(a));
    assert.equal(r.status, 200, r.text);
  });

  test("an assertion within the 5 minute clock skew is accepted", async () => {
    const now = Math.floor(Date.now() / 1000);
    const a = makeAssertion(certs.cert, { clientId: APP, aud: aud(), nbf: now + 200, exp: now + 700 });
    const r = await postToken(fake, TID, certForm(a));
    assert.equal(r.status, 200, r.text);
  });
});

describe("mintAccessToken", () => {
  test("applies overrides and removes claims set to undefined", () => {
    const t = fake.mintAccessToken({ aud: "https://graph.microsoft.com", roles: undefined, extra: "x", exp: 1000 });
    const { claims } = decodeJwt(t);
    assert.equal(claims.aud, "https://graph.microsoft.com");
    assert.equal("roles" in claims, false);
    assert.equal(claims.extra, "x");
    assert.equal(claims.exp, 1000);
    assert.equal(claims.oid, APP_SP);
    assert.ok(verifyJwtSignature(t, fake.signingKey.publicKeyPem));
  });

  test("selects another app of the tenant", () => {
    const { claims } = decodeJwt(fake.mintAccessToken({}, { clientId: NOCONSENT, appidacr: "2" }));
    assert.equal(claims.appid, NOCONSENT);
    assert.equal(claims.appidacr, "2");
    assert.equal("roles" in claims, false);
  });
});
