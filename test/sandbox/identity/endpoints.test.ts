import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { connect } from "node:tls";
import { verifyJwtSignature } from "../../../src/auth/jwt.js";
import { IdentityFake } from "../../../src/sandbox/identity/index.js";
import { MAX_BODY_BYTES } from "../../../src/sandbox/identity/server.js";
import { createTestPki } from "../../../src/sandbox/pki.js";
import { assertAadError, httpRequest, postToken } from "../../harness/sandbox/identity-http.js";
import {
  APP,
  DOMAIN,
  GOV_TID,
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

const form = { client_id: APP, client_secret: SECRET, scope: SCOPE, grant_type: "client_credentials" };

describe("discovery", () => {
  test("openid-configuration by domain points at the fake with the tenant GUID", async () => {
    const r = await httpRequest(fake, "GET", `/${DOMAIN}/v2.0/.well-known/openid-configuration`);
    assert.equal(r.status, 200);
    const doc = JSON.parse(r.text) as Record<string, unknown>;
    assert.equal(doc.token_endpoint, `${fake.url}/${TID}/oauth2/v2.0/token`);
    assert.equal(doc.jwks_uri, `${fake.url}/${TID}/discovery/v2.0/keys`);
    assert.equal(doc.issuer, `${fake.url}/${TID}/v2.0`);
    assert.equal(doc.authorization_endpoint, `${fake.url}/${TID}/oauth2/v2.0/authorize`);
    assert.equal(doc.cloud_instance_name, "microsoftonline.com");
  });

  test("unknown tenant -> 400 invalid_tenant AADSTS90002", async () => {
    const r = await httpRequest(fake, "GET", "/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration");
    assertAadError(r, 400, "invalid_tenant", 90002);
  });

  test("a tenant of another cloud is described with that cloud's authority host", async () => {
    const r = await httpRequest(fake, "GET", `/${GOV_TID}/v2.0/.well-known/openid-configuration`);
    const doc = JSON.parse(r.text) as Record<string, unknown>;
    assert.equal(doc.token_endpoint, `https://login.microsoftonline.us/${GOV_TID}/oauth2/v2.0/token`);
    assert.equal(doc.cloud_instance_name, "microsoftonline.us");
  });

  test("/organizations gives the {tenantid} issuer template", async () => {
    const r = await httpRequest(fake, "GET", "/organizations/v2.0/.well-known/openid-configuration");
    const doc = JSON.parse(r.text) as Record<string, unknown>;
    assert.equal(doc.issuer, `${fake.url}/{tenantid}/v2.0`);
    assert.equal(doc.token_endpoint, `${fake.url}/organizations/oauth2/v2.0/token`);
  });

  test("JWKS holds the key that verifies issued tokens", async () => {
    const r = await httpRequest(fake, "GET", `/${TID}/discovery/v2.0/keys`);
    const { keys } = JSON.parse(r.text) as { keys: { kid: string; kty: string; n: string; e: string }[] };
    assert.equal(keys.length, 1);
    const k = keys[0];
    assert.ok(k);
    assert.equal(k.kid, fake.signingKey.kid);
    const pub = createPublicKey({ key: { kty: k.kty, n: k.n, e: k.e }, format: "jwk" });
    const tok = JSON.parse((await postToken(fake, TID, form)).text).access_token as string;
    assert.ok(verifyJwtSignature(tok, pub));
  });
});

describe("scripting", () => {
  test("failNext 429 with Retry-After, then success", async () => {
    fake.script.failNext(2, { status: 429, retryAfterSec: 1 });
    for (let i = 0; i < 2; i++) {
      const r = await postToken(fake, TID, form);
      assert.equal(r.status, 429);
      assert.equal(r.headers["retry-after"], "1");
    }
    assert.equal((await postToken(fake, TID, form)).status, 200);
  });

  test("failNext 503 applies to token requests, not discovery, by default", async () => {
    fake.script.failNext(1, { status: 503 });
    assert.equal((await httpRequest(fake, "GET", `/${TID}/v2.0/.well-known/openid-configuration`)).status, 200);
    assert.equal((await postToken(fake, TID, form)).status, 503);
    assert.equal(fake.script.pending, 0);
  });

  test("endpoint any also fails discovery", async () => {
    fake.script.failNext(1, { status: 500, endpoint: "any" });
    assert.equal((await httpRequest(fake, "GET", `/${TID}/discovery/v2.0/keys`)).status, 500);
  });

  test("a forced AADSTS code answers in Microsoft's shape whatever the request", async () => {
    fake.script.forceAadsts(53003);
    assertAadError(await postToken(fake, TID, form), 400, "invalid_grant", 53003);
    fake.script.forceAadsts(7000222);
    assertAadError(await postToken(fake, TID, form), 401, "invalid_client", 7000222);
    assert.equal((await postToken(fake, TID, form)).status, 200);
  });

  test("requests are recorded with secrets and assertions redacted, token requests counted", async () => {
    const before = fake.tokenRequests;
    await postToken(fake, TID, { ...form, client_assertion: "eyJhbGciOiJQUzI1NiJ9.eyJ4IjoxfQ.c2ln" });
    assert.equal(fake.tokenRequests, before + 1);
    const last = fake.requests.at(-1);
    assert.ok(last);
    assert.equal(last.method, "POST");
    assert.equal(last.path, `/${TID}/oauth2/v2.0/token`);
    assert.equal(last.form.client_secret, "<redacted>");
    assert.equal(last.form.client_assertion, "<redacted>");
    assert.equal(last.form.client_id, APP);
    assert.ok(last.at instanceof Date);
    assert.equal(JSON.stringify(fake.requests).includes(SECRET), false);
  });
});

describe("bounded and robust input", () => {
  test("a body over 64 KB is answered with 413", async () => {
    const big = `client_id=${APP}&pad=${"x".repeat(MAX_BODY_BYTES)}`;
    const r = await httpRequest(fake, "POST", `/${TID}/oauth2/v2.0/token`, {
      body: big,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(r.status, 413);
  });

  test("GET on the token endpoint -> AADSTS900561", async () => {
    assertAadError(await httpRequest(fake, "GET", `/${TID}/oauth2/v2.0/token`), 400, "invalid_request", 900561);
  });

  test("a JSON body is not a form: grant_type is missing (AADSTS900144)", async () => {
    const r = await httpRequest(fake, "POST", `/${TID}/oauth2/v2.0/token`, {
      body: JSON.stringify(form),
      headers: { "Content-Type": "application/json" },
    });
    assertAadError(r, 400, "invalid_request", 900144);
  });

  test("garbage paths and bytes do not crash the server", async () => {
    assert.equal((await httpRequest(fake, "GET", "/")).status, 404);
    assert.equal((await httpRequest(fake, "GET", "/%E0%A4%A/v2.0/.well-known/openid-configuration")).status, 400);
    const r = await httpRequest(fake, "POST", `/${TID}/oauth2/v2.0/token`, {
      body: Buffer.from([0xff, 0xfe, 0x00, 0x26, 0x3d, 0x25]),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assertAadError(r, 400, "invalid_request", 900144);
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port: Number(new URL(fake.url).port), ca: fake.caPem }, () => {
        s.end("NOT HTTP AT ALL\r\n\r\n");
      });
      s.on("close", () => resolve());
      s.on("error", reject);
      s.resume();
    });
    assert.equal((await postToken(fake, TID, form)).status, 200);
  });
});
