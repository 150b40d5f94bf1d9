/** The sandbox identity issues Graph tokens: aud Graph, roles = the consented Graph permissions, none without consent. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "../../src/auth/jwt.js";
import { applyScenario, type LocalTenant, startLocalTenant } from "../../src/sandbox/local-tenant.js";
import { graphRequest, seg } from "../harness/sandbox/graph-http.js";
import { postToken } from "../harness/sandbox/identity-http.js";

describe("sandbox identity: Graph tokens", () => {
  let tn: LocalTenant;
  const token = async (scope: string) => {
    const r = await postToken(tn.identity, tn.tenantId, {
      client_id: tn.clientId,
      client_secret: tn.clientSecret,
      scope,
      grant_type: "client_credentials",
    });
    assert.equal(r.status, 200, r.text);
    return (JSON.parse(r.text) as { access_token: string }).access_token;
  };
  before(async () => {
    tn = await startLocalTenant();
  });
  after(() => tn.stop());

  it("scope https://graph.microsoft.com/.default: aud Graph, roles Mail.ReadWrite + Mail.Send; the fake takes it", async () => {
    const t = await token("https://graph.microsoft.com/.default");
    const { claims } = decodeJwt(t);
    assert.equal(claims.aud, "https://graph.microsoft.com");
    assert.deepEqual(claims.roles, ["Mail.ReadWrite", "Mail.Send"]);
    const r = await graphRequest(tn.caPem, "GET", `${tn.graphUrl}/users/${seg(tn.mailbox)}/mailFolders/inbox`, {
      token: t,
    });
    assert.equal(r.status, 200);
  });

  it("the Exchange scope still carries only Exchange roles, and Graph refuses that token", async () => {
    const t = await token("https://outlook.office365.com/.default");
    assert.deepEqual(decodeJwt(t).claims.roles, ["POP.AccessAsApp", "IMAP.AccessAsApp", "SMTP.SendAsApp"]);
    const r = await graphRequest(tn.caPem, "GET", `${tn.graphUrl}/users/${seg(tn.mailbox)}/mailFolders/inbox`, {
      token: t,
    });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.message, "Access token validation failure. Invalid audience.");
  });

  it("graph-no-consent: no roles claim at all", async () => {
    applyScenario("graph-no-consent", tn);
    const { claims } = decodeJwt(await token("https://graph.microsoft.com/.default"));
    assert.equal("roles" in claims, false);
  });
});
