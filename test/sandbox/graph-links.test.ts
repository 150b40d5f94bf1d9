/** The Graph fake behind a relay (the bench's 50 ms RTT test) and its streaming of big `$value` answers. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { graphRequest, seg } from "../harness/sandbox/graph-http.js";
import { type GraphWorld, startWorld } from "../harness/world.js";

const MB = "info@contoso.onmicrosoft.com";

describe("Graph fake: links and big answers", () => {
  let w: GraphWorld;
  let token: string;
  before(async () => {
    w = await startWorld({ graph: {} });
    token = w.identity.mintAccessToken({}, { resource: "graph" });
  });
  after(() => w.stop());

  it("names the host the client connected to (a relay's port) in next and delta links", async () => {
    const headers = { host: "127.0.0.1:1" };
    const url = `${w.graphUrl}/users/${seg(MB)}/mailFolders/inbox/messages?$top=1`;
    const list = await graphRequest(w.pki.ca.certPem, "GET", url, { token, headers });
    assert.equal(list.status, 200);
    assert.match(list.json["@odata.nextLink"], /^https:\/\/127\.0\.0\.1:1\/v1\.0\/users\//);
    const delta = await graphRequest(
      w.pki.ca.certPem,
      "GET",
      `${w.graphUrl}/users/${seg(MB)}/mailFolders/inbox/messages/delta`,
      { token, headers },
    );
    assert.match(delta.json["@odata.deltaLink"], /^https:\/\/127\.0\.0\.1:1\/v1\.0\/users\//);
  });

  it("streams an 8 MB $value without piling up listeners on the response (no MaxListenersExceededWarning)", async () => {
    const warnings: string[] = [];
    const onWarning = (e: Error) => warnings.push(e.name);
    process.on("warning", onWarning);
    try {
      w.graph.seed(MB, 1, () => Buffer.alloc(8 * 1024 * 1024, "a"));
      const list = await graphRequest(
        w.pki.ca.certPem,
        "GET",
        `${w.graphUrl}/users/${seg(MB)}/mailFolders/inbox/messages?$top=1&$select=id`,
        { token },
      );
      const v = await graphRequest(
        w.pki.ca.certPem,
        "GET",
        `${w.graphUrl}/users/${seg(MB)}/messages/${seg(list.json.value[0].id)}/$value`,
        { token },
      );
      assert.equal(v.body.length, 8 * 1024 * 1024);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      assert.deepEqual(
        warnings.filter((n) => n === "MaxListenersExceededWarning"),
        [],
      );
    } finally {
      process.off("warning", onWarning);
    }
  });
});
