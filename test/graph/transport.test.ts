/**
 * The Graph client's connections and bounds: at most 4 requests in flight, kept-alive connections, JSON answers
 * bounded, `$value` streamed while it arrives, folders resolved by path, trust of the test CA only.
 */
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { describe, test } from "node:test";
import { GRAPH_LIMITS, type GraphClientOptions } from "../../src/graph/types.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { connectProxy } from "../harness/servers/hostile-tls.js";
import { fakeToken, sendJson, testClient, useGraphServer } from "./graph-server.js";

const srv = useGraphServer();

const client = (extra: Partial<GraphClientOptions> = {}) => testClient(srv, fakeToken({ roles: ["Mail.Read"] }), extra);

const tick = () => new Promise((r) => setImmediate(r));

describe("Graph client connections", () => {
  test("10 parallel requests: never more than 4 in flight, at most 4 connections", async () => {
    const before = srv.connections();
    let held: ServerResponse[] = [];
    let quiet: NodeJS.Timeout | undefined;
    srv.handle((_req, res) => {
      held.push(res);
      // Answer a batch once no further request arrived for a moment: a client over its limit shows up as > 4 held.
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        const batch = held;
        held = [];
        for (const r of batch) sendJson(r, 200, { value: [] });
      }, 30);
    });
    const g = client();
    await Promise.all(Array.from({ length: 10 }, () => g.listMessages("inbox", 1)));
    g.close();
    assert.equal(srv.requests.length, 10);
    assert.equal(srv.maxInFlight(), GRAPH_LIMITS.maxConcurrency);
    assert.ok(srv.connections() - before <= 4, `${srv.connections() - before} connections`);
  });

  test("maxConcurrency 1: one request at a time", async () => {
    const g = client({ maxConcurrency: 1 });
    let inFlight = 0;
    let max = 0;
    srv.handle((_req, res) => {
      inFlight++;
      max = Math.max(max, inFlight);
      setImmediate(() => {
        inFlight--;
        sendJson(res, 200, { value: [] });
      });
    });
    await Promise.all(Array.from({ length: 5 }, () => g.listMessages("inbox", 1)));
    g.close();
    assert.equal(max, 1);
  });

  test("sequential requests reuse one kept-alive connection", async () => {
    srv.handle((_req, res) => sendJson(res, 200, { value: [] }));
    const before = srv.connections();
    const g = client();
    for (let i = 0; i < 5; i++) await g.listMessages("inbox", 1);
    g.close();
    assert.equal(srv.connections() - before, 1);
  });

  test("through an HTTPS proxy: one CONNECT tunnel kept alive for several requests; NO_PROXY goes direct", async () => {
    srv.handle((_req, res) => sendJson(res, 200, { value: [] }));
    const proxy = await connectProxy();
    try {
      const g = client({ proxy: proxy.url });
      for (let i = 0; i < 3; i++) await g.listMessages("inbox", 1);
      g.close();
      assert.equal(proxy.tunnels(), 1);
      const direct = client({ proxy: proxy.url, noProxy: "127.0.0.1" });
      await direct.listMessages("inbox", 1);
      direct.close();
      assert.equal(proxy.tunnels(), 1);
      assert.equal(srv.requests.length, 4);
    } finally {
      await proxy.close();
    }
  });

  test("a JSON answer over GRAPH_LIMITS.maxJsonBytes is LIMIT_EXCEEDED (declared or chunked)", async () => {
    const big = `{"value":[],"pad":"${"x".repeat(GRAPH_LIMITS.maxJsonBytes)}"}`;
    srv.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(big); // no content-length: chunked, counted while read
    });
    const g = client();
    await assert.rejects(g.listMessages("inbox", 1), { code: "LIMIT_EXCEEDED" });
    srv.handle((_req, res) => sendJson(res, 200, { value: [], pad: "x".repeat(GRAPH_LIMITS.maxJsonBytes) }));
    await assert.rejects(g.listMessages("inbox", 1), { code: "LIMIT_EXCEEDED" });
    // Within the bound it works.
    srv.handle((_req, res) => sendJson(res, 200, { value: [], pad: "x".repeat(GRAPH_LIMITS.maxJsonBytes - 100) }));
    assert.deepEqual(await g.listMessages("inbox", 1), []);
    g.close();
  });

  test("$value is streamed: the first chunks arrive before the server has sent the rest", {
    timeout: 60_000,
  }, async () => {
    const part = Buffer.alloc(1024 * 1024, 0x61);
    let sendRest: (() => void) | undefined;
    srv.handle((_req, res) => {
      res.writeHead(200, { "content-type": "message/rfc822", "content-length": String(part.length * 4) });
      res.write(part);
      sendRest = () => {
        res.write(part);
        res.write(part);
        res.end(part);
      };
    });
    const g = client();
    const { stream, length } = await g.openMime("AAMk=/x");
    assert.equal(length, part.length * 4);
    assert.equal(srv.requests[0]?.url, "/v1.0/users/erp%40contoso.example/messages/AAMk%3D%2Fx/$value");
    let got = 0;
    for await (const chunk of stream) {
      got += (chunk as Buffer).length;
      // Only the first MB has been sent: a client that buffered the whole body would never get here.
      if (sendRest && got >= part.length) {
        const s = sendRest;
        sendRest = undefined;
        s();
      }
    }
    assert.equal(got, part.length * 4);
    // The slot and the connection are free again.
    srv.handle((_req, res) => sendJson(res, 200, { value: [] }));
    await g.listMessages("inbox", 1);
    g.close();
  });

  test("a $value stream destroyed by the consumer frees its slot (maxConcurrency 1)", async () => {
    srv.handle((req, res) => {
      if (req.url.endsWith("/$value")) {
        res.writeHead(200);
        res.write(Buffer.alloc(64 * 1024));
      } else sendJson(res, 200, { value: [] });
    });
    const g = client({ maxConcurrency: 1 });
    const { stream } = await g.openMime("M1");
    await new Promise((r) => stream.once("data", r));
    stream.destroy();
    await tick();
    assert.deepEqual(await g.listMessages("inbox", 1), []);
    g.close();
  });

  test("resolveFolder: well-known first part, then childFolders by display name (quoted, case-insensitive, paged)", async () => {
    srv.handle((req, res) => {
      const url = decodeURIComponent(req.url);
      if (url.includes("/mailFolders/inbox?")) sendJson(res, 200, { id: "INBOX", displayName: "Posteingang" });
      else if (url.includes("/mailFolders/INBOX/childFolders") && !url.includes("skip"))
        sendJson(res, 200, {
          value: [{ id: "OTHER", displayName: "Rechnungen alt" }],
          "@odata.nextLink": `${srv.base}/users/x/mailFolders/INBOX/childFolders?$skip=1`,
        });
      else if (url.includes("skip"))
        sendJson(res, 200, { value: [{ id: "R", displayName: "rechnungen d'or", totalItemCount: 7 }] });
      else sendJson(res, 200, { value: [] });
    });
    const g = client();
    const f = await g.resolveFolder("Inbox/Rechnungen D'or");
    assert.deepEqual(f, { id: "R", displayName: "rechnungen d'or", path: "Inbox/Rechnungen D'or", totalItemCount: 7 });
    assert.match(decodeURIComponent(srv.requests[1]?.url ?? ""), /\$filter=displayName eq 'Rechnungen D''or'/);
    for (const r of srv.requests) assert.equal(r.headers.prefer, 'IdType="ImmutableId"');
    await assert.rejects(
      g.resolveFolder("Processed"),
      (e: Error & { code?: string; details?: { params?: Record<string, unknown> } }) => {
        assert.equal(e.code, "FOLDER_NOT_FOUND");
        assert.equal(e.details?.params?.missing, "Processed");
        assert.match(
          decodeURIComponent(srv.requests.at(-1)?.url ?? ""),
          /\/mailFolders\?\$filter=displayName eq 'Processed'/,
        );
        return true;
      },
    );
    g.close();
  });

  test("no answer within timeoutMs is TIMEOUT naming the host, not retried", async () => {
    srv.handle(() => {}); // never answers
    const g = client({ timeoutMs: 300 });
    await assert.rejects(g.listMessages("inbox", 1), (e: Error & { code?: string }) => {
      assert.equal(e.code, "TIMEOUT");
      assert.match(e.message, /127\.0\.0\.1/);
      return true;
    });
    g.close();
    assert.equal(srv.requests.length, 1);
  });

  test("a server whose certificate is not from a trusted CA is refused before any request", async () => {
    const g = client({ ca: [createTestPki({ commonName: "another CA" }).ca.certPem] });
    await assert.rejects(g.listMessages("inbox", 1), { code: "TLS_UNTRUSTED" });
    g.close();
    assert.equal(srv.requests.length, 0);
  });
});
