/** The Graph fake, reading: folders, listings, $value bytes, ids, request ids (plain node:https requests). */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { graphRequest, seg } from "../harness/sandbox/graph-http.js";
import { type GraphWorld, startWorld } from "../harness/world.js";

const MB = "info@contoso.onmicrosoft.com";

describe("Graph fake: reading", () => {
  let w: GraphWorld;
  let token: string;
  const get = (path: string, headers: Record<string, string> = {}) =>
    graphRequest(w.pki.ca.certPem, "GET", `${w.graphUrl}${path}`, { token, headers });
  before(async () => {
    w = await startWorld({ graph: {} });
    token = w.identity.mintAccessToken({}, { resource: "graph" });
  });
  after(() => w.stop());

  it("answers the inbox by well-known name with request-id and the client's client-request-id", async () => {
    const r = await get(`/users/${seg(MB)}/mailFolders/inbox`, { "client-request-id": "abc-123" });
    assert.equal(r.status, 200);
    assert.equal(r.json.displayName, "Inbox");
    assert.equal(r.json.totalItemCount, 3);
    assert.equal(r.headers["client-request-id"], "abc-123");
    assert.match(String(r.headers["request-id"]), /^[0-9a-f-]{36}$/);
    const byId = await get(`/users/${seg(MB)}/mailFolders/${seg(r.json.id)}`);
    assert.equal(byId.json.id, r.json.id);
  });

  it("finds a folder by $filter=displayName and lists child folders", async () => {
    w.graph.addFolder(MB, "INBOX/Invoices");
    const top = await get(`/users/${seg(MB)}/mailFolders?$filter=${encodeURIComponent("displayName eq 'inbox'")}`);
    assert.equal(top.json.value.length, 1);
    const inbox = top.json.value[0];
    assert.equal(inbox.childFolderCount, 1);
    const kids = await get(`/users/${seg(MB)}/mailFolders/${seg(inbox.id)}/childFolders`);
    assert.deepEqual(
      kids.json.value.map((f: { displayName: string }) => f.displayName),
      ["Invoices"],
    );
  });

  it("lists messages newest first with $top, $select and a nextLink", async () => {
    const r = await get(`/users/${seg(MB)}/mailFolders/inbox/messages?$top=2&$select=subject,internetMessageId`);
    assert.equal(r.json.value.length, 2);
    assert.deepEqual(Object.keys(r.json.value[0]).sort(), ["@odata.etag", "id", "internetMessageId", "subject"]);
    assert.equal(r.json.value[0].internetMessageId, "<sample-3@fabrikam.example>");
    assert.ok(r.json["@odata.nextLink"]);
    const next = await graphRequest(w.pki.ca.certPem, "GET", r.json["@odata.nextLink"], { token });
    assert.equal(next.json.value.length, 1);
  });

  it("streams $value byte for byte, without Content-Length", async () => {
    const list = await get(`/users/${seg(MB)}/mailFolders/inbox/messages?$top=10&$orderby=receivedDateTime asc`);
    const stored = w.graph.directory.findMailbox(MB)?.folders.get("INBOX") ?? [];
    for (const [i, m] of list.json.value.entries()) {
      const v = await get(`/users/${seg(MB)}/messages/${seg(m.id)}/$value`);
      assert.equal(v.status, 200);
      assert.equal(v.headers["content-length"], undefined);
      assert.deepEqual(v.body, stored[i]?.raw);
    }
  });

  it("a user object ID works like the address", async () => {
    const oid = w.graph.directory.findMailbox(MB)?.objectId as string;
    const r = await get(`/users/${oid}/mailFolders/inbox`);
    assert.equal(r.status, 200);
  });
});
