/** Each Graph error answer, produced by the situation that causes it, with Graph's exact body and headers. */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { type GraphReplyId, graphReply } from "../../src/exchange/graph-replies.js";
import { applyScenario, type LocalTenant, startLocalTenant } from "../../src/sandbox/local-tenant.js";
import { type GraphResponse, graphRequest, seg } from "../harness/sandbox/graph-http.js";

function assertReply(r: GraphResponse, id: GraphReplyId, params: Record<string, string> = {}): void {
  const row = graphReply(id);
  assert.equal(r.status, row.status, `${id}: ${r.body.toString()}`);
  const message = row.message.replace(/\{([a-z]+)\}/g, (m, k: string) => params[k] ?? m);
  assert.deepEqual(Object.keys(r.json.error), ["code", "message", "innerError"]);
  assert.equal(r.json.error.code, row.code);
  if (!/\{[a-z]+\}/.test(message)) assert.equal(r.json.error.message, message);
  const inner = r.json.error.innerError;
  assert.deepEqual(Object.keys(inner), ["date", "request-id", "client-request-id"]);
  assert.match(inner.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  assert.equal(inner["request-id"], r.headers["request-id"]);
  assert.equal(inner["client-request-id"], r.headers["client-request-id"]);
  assert.equal(r.headers["retry-after"] !== undefined, !!row.retryAfter, `${id}: Retry-After`);
}

describe("Graph fake: error answers by situation", () => {
  let tn: LocalTenant;
  const graphToken = (over: Record<string, unknown> = {}) => tn.identity.mintAccessToken(over, { resource: "graph" });
  const inbox = (token?: string, user = tn.mailbox) =>
    graphRequest(tn.caPem, "GET", `${tn.graphUrl}/users/${seg(user)}/mailFolders/inbox`, {
      ...(token !== undefined ? { token } : {}),
    });
  const sendProbe = (token: string) =>
    graphRequest(tn.caPem, "POST", `${tn.graphUrl}/users/${seg(tn.mailbox)}/sendMail`, {
      token,
      body: { message: { subject: "probe" } },
    });
  beforeEach(async () => {
    await tn?.stop();
    tn = await startLocalTenant();
  });
  after(() => tn?.stop());
  before(() => undefined);

  it("no bearer token: token-empty", async () => assertReply(await inbox(), "token-empty"));
  it("an empty bearer: token-empty", async () => assertReply(await inbox(""), "token-empty"));
  it("garbage: token-invalid", async () => assertReply(await inbox("abc"), "token-invalid"));
  it("an Exchange token: invalid-audience", async () =>
    assertReply(await inbox(tn.identity.mintAccessToken()), "invalid-audience"));
  it("an expired token: token-expired", async () =>
    assertReply(await inbox(graphToken({ exp: Math.floor(Date.now() / 1000) - 3600 })), "token-expired"));
  it("the token endpoint's Graph token works (aud Graph, consented roles)", async () => {
    const r = await inbox(graphToken());
    assert.equal(r.status, 200);
  });
  it("unknown user: invalid-user naming it", async () => {
    const r = await inbox(graphToken(), "nobody@contoso.onmicrosoft.com");
    assertReply(r, "invalid-user");
    assert.equal(r.json.error.message, "The requested user 'nobody@contoso.onmicrosoft.com' is invalid.");
  });
  it("a user without mailbox: mailbox-not-enabled", async () => {
    tn.exchange.directory.mailboxlessUsers.push({ address: "nolicence@contoso.onmicrosoft.com", objectId: "x" });
    assertReply(await inbox(graphToken(), "nolicence@contoso.onmicrosoft.com"), "mailbox-not-enabled");
  });
  it("/me with an app token: me-app-only", async () => {
    const r = await graphRequest(tn.caPem, "GET", `${tn.graphUrl}/me/messages`, { token: graphToken() });
    assertReply(r, "me-app-only");
  });
  it("graph-no-consent: access-denied and no roles claim", async () => {
    applyScenario("graph-no-consent", tn);
    const t = graphToken();
    assert.equal(JSON.parse(Buffer.from(t.split(".")[1] as string, "base64url").toString()).roles, undefined);
    assertReply(await inbox(t), "access-denied");
  });
  it("graph-no-send: reading works, sendMail is access-denied", async () => {
    applyScenario("graph-no-send", tn);
    const t = graphToken();
    assert.equal((await inbox(t)).status, 200);
    assertReply(await sendProbe(t), "access-denied");
  });
  it("with Mail.Send, a message without recipients is invalid-recipients (the send probe)", async () => {
    assertReply(await sendProbe(graphToken()), "invalid-recipients");
  });
  it("graph-aap-excluded: aap-blocked", async () => {
    applyScenario("graph-aap-excluded", tn);
    assertReply(await inbox(graphToken()), "aap-blocked");
  });
  it("graph-rbac-out-of-scope: access-denied; in scope the same token (no roles) is allowed", async () => {
    applyScenario("graph-rbac-out-of-scope", tn);
    const t = graphToken();
    assertReply(await inbox(t), "access-denied");
    tn.exchange.directory.appRoleAssignments[0]?.scope?.push(tn.mailbox);
    assert.equal((await inbox(t)).status, 200);
  });
  it("an unknown message id: item-not-found; a malformed one: id-malformed", async () => {
    const base = `${tn.graphUrl}/users/${seg(tn.mailbox)}/messages`;
    assertReply(
      await graphRequest(tn.caPem, "GET", `${base}/AAMkAGI2TG93AAAnotthereatall=`, { token: graphToken() }),
      "item-not-found",
    );
    assertReply(await graphRequest(tn.caPem, "GET", `${base}/x!y`, { token: graphToken() }), "id-malformed");
  });
  it("an unknown path segment: bad-request-segment", async () => {
    const r = await graphRequest(tn.caPem, "GET", `${tn.graphUrl}/users/${seg(tn.mailbox)}/mailFoldrs`, {
      token: graphToken(),
    });
    assertReply(r, "bad-request-segment");
    assert.equal(r.json.error.message, "Resource not found for the segment 'mailFoldrs'.");
  });
  it("forced 429 and 503 for the next requests, with Retry-After", async () => {
    tn.graph.failNext("throttled", 1, 7);
    tn.graph.failNext("service-unavailable", 1, 3);
    const a = await inbox(graphToken());
    assertReply(a, "throttled");
    assert.equal(a.headers["retry-after"], "7");
    assertReply(await inbox(graphToken()), "service-unavailable");
    assert.equal((await inbox(graphToken())).status, 200);
  });
});
