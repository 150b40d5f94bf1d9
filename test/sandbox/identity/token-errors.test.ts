import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { IdentityFake } from "../../../src/sandbox/identity/index.js";
import { createTestPki } from "../../../src/sandbox/pki.js";
import { assertAadError, httpRequest, makeAssertion, postToken } from "../../harness/sandbox/identity-http.js";
import {
  APP,
  BLOCKED,
  DISABLED,
  EXPIRED_SECRET,
  GOV_TID,
  SCOPE,
  SECRET,
  SECRET_ID,
  TID,
  testCerts,
  testTenants,
} from "../../harness/sandbox/identity-tenants.js";

const pki = createTestPki();
const certs = testCerts(pki);
const fake = new IdentityFake({
  pki,
  tenants: testTenants(certs.cert, certs.expiredCert),
  loopDetection: { maxIdentical: 3, windowMs: 60_000 },
});

before(() => fake.start());
after(() => fake.stop());

const secretForm = (over: Record<string, string> = {}) => ({
  client_id: APP,
  client_secret: SECRET,
  scope: SCOPE,
  grant_type: "client_credentials",
  ...over,
});

const certForm = (assertion: string) => ({
  client_id: APP,
  client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
  client_assertion: assertion,
  scope: SCOPE,
  grant_type: "client_credentials",
});

describe("tenant errors", () => {
  test("unknown tenant GUID -> 400 invalid_tenant AADSTS90002", async () => {
    const r = await postToken(fake, "00000000-1111-4222-8333-444444444444", secretForm());
    assertAadError(r, 400, "invalid_tenant", 90002);
  });

  test("unknown domain -> AADSTS90002", async () => {
    const r = await postToken(fake, "contoso-typo.onmicrosoft.com", secretForm());
    assertAadError(r, 400, "invalid_tenant", 90002);
  });

  test("tenant neither GUID nor DNS name -> AADSTS900023", async () => {
    const r = await postToken(fake, "not_a_tenant", secretForm());
    assertAadError(r, 400, "invalid_request", 900023);
  });

  test("tenant of another national cloud -> AADSTS90038", async () => {
    const r = await postToken(fake, GOV_TID, secretForm());
    assertAadError(r, 400, "invalid_request", 90038);
  });

  for (const t of ["common", "organizations", "consumers", "Common"]) {
    test(`/${t} does not allow client credentials -> AADSTS9001023`, async () => {
      const r = await postToken(fake, t, secretForm());
      assertAadError(r, 400, "invalid_request", 9001023);
    });
  }
});

describe("client errors", () => {
  test("client id not in tenant -> 400 unauthorized_client AADSTS700016", async () => {
    const r = await postToken(fake, TID, secretForm({ client_id: "aaaaaaaa-0000-4000-8000-00000000ffff" }));
    const body = assertAadError(r, 400, "unauthorized_client", 700016);
    assert.match(String(body.error_description), /aaaaaaaa-0000-4000-8000-00000000ffff/);
  });

  test("the secret's ID instead of its value -> 401 invalid_client AADSTS7000215", async () => {
    const r = await postToken(fake, TID, secretForm({ client_secret: SECRET_ID }));
    assertAadError(r, 401, "invalid_client", 7000215);
  });

  test("expired secret -> 401 AADSTS7000222", async () => {
    const r = await postToken(fake, TID, secretForm({ client_secret: EXPIRED_SECRET }));
    assertAadError(r, 401, "invalid_client", 7000222);
  });

  test("neither secret nor assertion -> 401 AADSTS7000218", async () => {
    const r = await postToken(fake, TID, { client_id: APP, scope: SCOPE, grant_type: "client_credentials" });
    assertAadError(r, 401, "invalid_client", 7000218);
  });

  test("disabled app -> 400 unauthorized_client AADSTS7000112", async () => {
    const r = await postToken(fake, TID, secretForm({ client_id: DISABLED }));
    assertAadError(r, 400, "unauthorized_client", 7000112);
  });

  test("Conditional Access block -> AADSTS53003", async () => {
    const r = await postToken(fake, TID, secretForm({ client_id: BLOCKED }));
    assertAadError(r, 400, "invalid_grant", 53003);
  });

  test("missing grant_type / client_id -> AADSTS900144, other grant types -> AADSTS70003", async () => {
    assertAadError(
      await postToken(fake, TID, { client_id: APP, client_secret: SECRET, scope: SCOPE }),
      400,
      "invalid_request",
      900144,
    );
    assertAadError(
      await postToken(fake, TID, { client_secret: SECRET, scope: SCOPE, grant_type: "client_credentials" }),
      400,
      "invalid_request",
      900144,
    );
    assertAadError(
      await postToken(fake, TID, secretForm({ grant_type: "password" })),
      400,
      "unsupported_grant_type",
      70003,
    );
  });
});

describe("certificate assertion errors", () => {
  const aud = () => fake.tokenEndpoint(TID);

  test("signed by an unregistered certificate -> 401 AADSTS700027", async () => {
    const r = await postToken(fake, TID, certForm(makeAssertion(certs.otherCert, { clientId: APP, aud: aud() })));
    assertAadError(r, 401, "invalid_client", 700027);
  });

  test("registered thumbprint but signed with another key -> AADSTS700027", async () => {
    const forged = { ...certs.otherCert, x5tS256: certs.cert.x5tS256 };
    const r = await postToken(fake, TID, certForm(makeAssertion(forged, { clientId: APP, aud: aud() })));
    assertAadError(r, 401, "invalid_client", 700027);
  });

  test("registered certificate that has expired -> AADSTS700027", async () => {
    const r = await postToken(fake, TID, certForm(makeAssertion(certs.expiredCert, { clientId: APP, aud: aud() })));
    assertAadError(r, 401, "invalid_client", 700027);
  });

  test("wrong audience -> AADSTS700027", async () => {
    const a = makeAssertion(certs.cert, {
      clientId: APP,
      aud: "https://login.microsoftonline.com/x/oauth2/v2.0/token",
    });
    assertAadError(await postToken(fake, TID, certForm(a)), 401, "invalid_client", 700027);
  });

  test("iss not the client id -> AADSTS700021", async () => {
    const a = makeAssertion(certs.cert, { clientId: APP, aud: aud(), iss: "someone-else" });
    assertAadError(await postToken(fake, TID, certForm(a)), 401, "invalid_client", 700021);
  });

  test("expired, not-yet-valid or too long-lived assertion -> 401 AADSTS700024", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const t of [
      { nbf: now - 1500, exp: now - 900 },
      { nbf: now + 900, exp: now + 1200 },
      { nbf: now, exp: now + 3600 },
    ]) {
      const a = makeAssertion(certs.cert, { clientId: APP, aud: aud(), ...t });
      assertAadError(await postToken(fake, TID, certForm(a)), 401, "invalid_client", 700024);
    }
  });

  test("garbage assertion -> AADSTS50027", async () => {
    assertAadError(await postToken(fake, TID, certForm("not.a.jwt")), 400, "invalid_request", 50027);
  });
});

describe("scope errors", () => {
  test("scope without /.default -> 400 invalid_scope AADSTS1002012", async () => {
    const r = await postToken(fake, TID, secretForm({ scope: "https://outlook.office365.com" }));
    assertAadError(r, 400, "invalid_scope", 1002012);
  });

  test("several resources or an empty resource -> AADSTS70011", async () => {
    const two = "https://outlook.office365.com/.default https://graph.microsoft.com/.default";
    assertAadError(await postToken(fake, TID, secretForm({ scope: two })), 400, "invalid_scope", 70011);
    assertAadError(await postToken(fake, TID, secretForm({ scope: "/.default" })), 400, "invalid_scope", 70011);
  });

  test("unknown resource -> 400 invalid_resource AADSTS500011", async () => {
    const r = await postToken(fake, TID, secretForm({ scope: "https://outlook.office356.com/.default" }));
    const body = assertAadError(r, 400, "invalid_resource", 500011);
    assert.match(String(body.error_description), /outlook\.office356\.com/);
  });
});

describe("loop detection", () => {
  test("more than N identical requests in the window -> AADSTS50196; a different request still works", async () => {
    const form = secretForm({ scope: "https://ps.outlook.com/.default" });
    for (let i = 0; i < 3; i++) assert.equal((await postToken(fake, TID, form)).status, 200);
    assertAadError(await postToken(fake, TID, form), 400, "invalid_request", 50196);
    assert.equal(
      (await postToken(fake, TID, secretForm({ scope: "https://outlook.office.com/.default" }))).status,
      200,
    );
  });

  test("is off by default", async () => {
    const quiet = new IdentityFake({ pki, tenants: testTenants(certs.cert, certs.expiredCert) });
    await quiet.start();
    try {
      for (let i = 0; i < 12; i++) assert.equal((await postToken(quiet, TID, secretForm())).status, 200);
    } finally {
      await quiet.stop();
    }
  });
});

test("client-request-id is echoed as the correlation id", async () => {
  const cid = "12345678-1234-4234-8234-123456789abc";
  const r = await httpRequest(fake, "POST", `/${TID}/oauth2/v2.0/token`, {
    form: secretForm({ client_secret: "wrong" }),
    headers: { "client-request-id": cid },
  });
  const body = assertAadError(r, 401, "invalid_client", 7000215);
  assert.equal(body.correlation_id, cid);
  assert.match(String(body.error_description), new RegExp(`Correlation ID: ${cid}`));
  assert.equal(r.headers["client-request-id"], cid);
});
