/** The Graph fake's delta query: paging, deltaLink, changes, @removed, 410 and replays; moves and immutable ids. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { graphReply } from "../../src/exchange/graph-replies.js";
import { graphRequest, seg } from "../harness/sandbox/graph-http.js";
import { type ExchangeWorld, type GraphWorld, startWorld } from "../harness/world.js";

const MB = "info@contoso.onmicrosoft.com";
const IMMUTABLE = { prefer: 'IdType="ImmutableId"' };

describe("Graph fake: delta and moves", () => {
  let w: GraphWorld & ExchangeWorld;
  let token: string;
  const call = (method: string, url: string, o: { headers?: Record<string, string>; body?: object } = {}) =>
    graphRequest(w.pki.ca.certPem, method, url.startsWith("https:") ? url : `${w.graphUrl}${url}`, { token, ...o });
  /** Follows nextLinks to the deltaLink; returns every item and the deltaLink. */
  async function round(start: string, pageSize = 2) {
    const items: { id: string; subject?: string; "@removed"?: unknown }[] = [];
    let url = start;
    let pages = 0;
    for (;;) {
      const r = await call("GET", url, {
        headers: { ...IMMUTABLE, prefer: `odata.maxpagesize=${pageSize}, ${IMMUTABLE.prefer}` },
      });
      assert.equal(r.status, 200, r.body.toString());
      assert.ok(r.json.value.length <= pageSize);
      items.push(...r.json.value);
      pages++;
      if (r.json["@odata.deltaLink"]) return { items, deltaLink: r.json["@odata.deltaLink"] as string, pages };
      url = r.json["@odata.nextLink"];
    }
  }
  const deltaStart = `/users/${seg(MB)}/mailFolders/inbox/messages/delta?$select=subject`;
  before(async () => {
    w = await startWorld({ exchange: {}, graph: {} });
    token = w.identity.mintAccessToken({}, { resource: "graph" });
  });
  after(() => w.stop());

  it("pages a full round, then reports only changes and @removed, 410 after expiry, replays on request", async () => {
    const first = await round(deltaStart);
    assert.equal(first.items.length, 3);
    assert.equal(first.pages, 2);
    const again = await round(first.deltaLink);
    assert.equal(again.items.length, 0);
    // a new message (delivered as SMTP/IMAP would) and a removed one
    w.exchange.addMessage(MB, Buffer.from("Subject: new\r\nMessage-ID: <n@x>\r\n\r\nhi\r\n"));
    const gone = first.items[0]?.id as string;
    assert.equal((await call("POST", `/users/${seg(MB)}/messages/${seg(gone)}/permanentDelete`)).status, 204);
    const changes = await round(again.deltaLink);
    assert.deepEqual(
      changes.items.map((i) => (i["@removed"] ? `removed ${i.id}` : i.subject)),
      ["new", `removed ${gone}`],
    );
    // replay: the same delta link again answers what was delivered before
    w.graph.replayDelta();
    const replay = await round(changes.deltaLink);
    assert.equal(replay.items.length, 2);
    // expiry: 410 SyncStateNotFound
    w.graph.expireSyncStates();
    const r = await call("GET", replay.deltaLink);
    assert.equal(r.status, 410);
    assert.equal(r.json.error.code, graphReply("sync-state-not-found").code);
    assert.match(r.json.error.message, /^The sync state generation is not found; generation=\d+;\[highest=\d+\]\.$/);
  });

  it("move: 201 with the moved message; immutable ids survive, plain ids change", async () => {
    const processed = w.graph.addFolder(MB, "Processed");
    const list = await call("GET", `/users/${seg(MB)}/mailFolders/inbox/messages?$top=2`, { headers: IMMUTABLE });
    const [a, b] = list.json.value;
    const m1 = await call("POST", `/users/${seg(MB)}/messages/${seg(a.id)}/move`, {
      headers: IMMUTABLE,
      body: { destinationId: processed },
    });
    assert.equal(m1.status, 201);
    assert.equal(m1.json.id, a.id);
    assert.equal(m1.json.parentFolderId, processed);
    const plain = await call("GET", `/users/${seg(MB)}/messages/${seg(b.id)}?$select=id`);
    const m2 = await call("POST", `/users/${seg(MB)}/messages/${seg(plain.json.id)}/move`, {
      body: { destinationId: processed },
    });
    assert.equal(m2.status, 201);
    assert.notEqual(m2.json.id, plain.json.id);
    assert.equal((await call("GET", `/users/${seg(MB)}/messages/${seg(plain.json.id)}`)).status, 404);
    // IMAP sees the moved messages in Processed
    assert.equal(w.exchange.directory.findMailbox(MB)?.folders.get("Processed")?.length, 2);
  });

  it("DELETE moves to Deleted Items (204); PATCH isRead sets \\Seen", async () => {
    const list = await call("GET", `/users/${seg(MB)}/mailFolders/inbox/messages?$top=1`);
    const id = list.json.value[0].id;
    const p = await call("PATCH", `/users/${seg(MB)}/messages/${seg(id)}`, { body: { isRead: true } });
    assert.equal(p.status, 200);
    assert.equal(p.json.isRead, true);
    assert.equal((await call("DELETE", `/users/${seg(MB)}/messages/${seg(id)}`)).status, 204);
    const del = await call("GET", "/users/" + seg(MB) + "/mailFolders/deleteditems");
    assert.equal(del.json.totalItemCount, 1);
  });
});
