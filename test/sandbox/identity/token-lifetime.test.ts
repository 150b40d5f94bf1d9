/** tokenLifetimeSec: the sandbox issues short-lived tokens (exp and expires_in agree) to exercise re-login. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { decodeJwt } from "../../../src/auth/jwt.js";
import { IdentityFake } from "../../../src/sandbox/identity/index.js";
import { createTestPki } from "../../../src/sandbox/pki.js";
import { postToken } from "../../harness/sandbox/identity-http.js";
import { APP, SCOPE, SECRET, TID, testCerts, testTenants } from "../../harness/sandbox/identity-tenants.js";

const pki = createTestPki();
const certs = testCerts(pki);
const fake = new IdentityFake({ pki, tenants: testTenants(certs.cert, certs.expiredCert), tokenLifetimeSec: 30 });

before(() => fake.start());
after(() => fake.stop());

const form = { client_id: APP, client_secret: SECRET, scope: SCOPE, grant_type: "client_credentials" };

test("a 30-second lifetime: expires_in 30 and exp 30 s after issue", async () => {
  const before = Math.floor(Date.now() / 1000);
  const r = await postToken(fake, TID, form);
  assert.equal(r.status, 200, r.text);
  const body = JSON.parse(r.text) as { expires_in: number; ext_expires_in: number; access_token: string };
  assert.equal(body.expires_in, 30);
  assert.equal(body.ext_expires_in, 30);
  const exp = decodeJwt(body.access_token).claims.exp as number;
  assert.ok(exp >= before + 30 && exp <= Math.floor(Date.now() / 1000) + 30, String(exp));
});

test("the lifetime can be changed at runtime and applies to minted tokens too", async () => {
  fake.tokenLifetimeSec = 5;
  try {
    const r = await postToken(fake, TID, form);
    assert.equal((JSON.parse(r.text) as { expires_in: number }).expires_in, 5);
    const minted = decodeJwt(fake.mintAccessToken()).claims;
    assert.ok((minted.exp as number) - Math.floor(Date.now() / 1000) <= 5);
  } finally {
    fake.tokenLifetimeSec = 30;
  }
});
