/** Retries of the Graph client: Retry-After honoured and bounded, one token refresh after 401 expired, GET reconnects. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { graphReply } from "../../src/exchange/graph-replies.js";
import type { GraphClientOptions } from "../../src/graph/types.js";
import { fakeToken, sendJson, sendRow, testClient, tokenProvider, useGraphServer } from "./graph-server.js";

const TOKEN = fakeToken({ roles: ["Mail.Read"], n: 1 });
const TOKEN2 = fakeToken({ roles: ["Mail.Read"], n: 2 });

const srv = useGraphServer();

/** Answers the scripted replies in turn, then 200 with a folder. */
function script(...replies: ((res: Parameters<typeof sendJson>[0]) => void)[]): void {
  let i = 0;
  srv.handle((_req, res) => {
    const r = replies[i++];
    if (r) r(res);
    else sendJson(res, 200, { id: "INBOX-ID", displayName: "Inbox" });
  });
}

function client(extra: Partial<GraphClientOptions> = {}) {
  const sleeps: number[] = [];
  const provider = tokenProvider(TOKEN, TOKEN2);
  const g = testClient(srv, TOKEN, {
    tokenProvider: provider,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { g, sleeps, provider };
}

describe("Graph client retries", () => {
  test("429 with Retry-After in seconds: waits as asked, then succeeds", async () => {
    const row = graphReply("throttled");
    script(
      (res) => sendRow(res, row, { "retry-after": "2" }),
      (res) => sendRow(res, row, { "retry-after": "3" }),
    );
    const { g, sleeps } = client();
    const f = await g.resolveFolder("inbox");
    g.close();
    assert.equal(f.id, "INBOX-ID");
    assert.deepEqual(sleeps, [2000, 3000]);
    assert.equal(g.requestCount, 3);
    // Each attempt is a new request for Graph: a fresh client-request-id each time.
    assert.equal(new Set(srv.requests.map((r) => r.headers["client-request-id"])).size, 3);
  });

  test("Retry-After as an HTTP date", async () => {
    const when = new Date(Date.now() + 20_000).toUTCString();
    script((res) => sendRow(res, graphReply("service-unavailable"), { "retry-after": when }));
    const { g, sleeps } = client();
    await g.resolveFolder("inbox");
    g.close();
    assert.equal(sleeps.length, 1);
    assert.ok((sleeps[0] ?? 0) > 10_000 && (sleeps[0] ?? 0) <= 20_000, String(sleeps[0]));
  });

  test("a Retry-After beyond the bound: THROTTLED at once, the wait in the message, no sleep", async () => {
    script((res) => sendRow(res, graphReply("throttled"), { "retry-after": "300" }));
    const { g, sleeps } = client();
    await assert.rejects(
      g.resolveFolder("inbox"),
      (e: Error & { code?: string; details?: { httpStatus?: number } }) => {
        assert.equal(e.code, "THROTTLED");
        assert.match(e.message, /300 s/);
        assert.equal(e.details?.httpStatus, 429);
        return true;
      },
    );
    g.close();
    assert.deepEqual(sleeps, []);
    assert.equal(srv.requests.length, 1);
  });

  test("the total wait is bounded: 503 after 50 s + 50 s of a 120 s budget fails SERVER_BUSY", async () => {
    const row = graphReply("service-unavailable");
    const busy = (res: Parameters<typeof sendJson>[0]) => sendRow(res, row, { "retry-after": "50" });
    script(busy, busy, busy, busy);
    const { g, sleeps } = client({ maxRetryWaitMs: 120_000 });
    await assert.rejects(g.resolveFolder("inbox"), { code: "SERVER_BUSY" });
    g.close();
    assert.deepEqual(sleeps, [50_000, 50_000]);
    assert.equal(srv.requests.length, 3);
  });

  test("504 without Retry-After: backs off 1 s, 2 s", async () => {
    const gw = (res: Parameters<typeof sendJson>[0]) => sendRow(res, graphReply("gateway-timeout"));
    script(gw, gw);
    const { g, sleeps } = client();
    await g.resolveFolder("inbox");
    g.close();
    assert.deepEqual(sleeps, [1000, 2000]);
  });

  test("401 token expired: one retry with forceRefresh and the new token; a second expiry is TOKEN_EXPIRED", async () => {
    const expired = (res: Parameters<typeof sendJson>[0]) => sendRow(res, graphReply("token-expired"));
    script(expired);
    const a = client();
    await a.g.resolveFolder("inbox");
    a.g.close();
    assert.deepEqual(a.provider.calls, [false, true]);
    assert.equal(srv.requests[1]?.headers.authorization, `Bearer ${TOKEN2}`);

    srv.requests.length = 0;
    script(expired, expired, expired);
    const b = client();
    await assert.rejects(b.g.resolveFolder("inbox"), { code: "TOKEN_EXPIRED" });
    b.g.close();
    assert.equal(srv.requests.length, 2);
  });

  test("other 401s (wrong audience) are not retried", async () => {
    script((res) => sendRow(res, graphReply("invalid-audience")));
    const { g, provider } = client();
    await assert.rejects(g.resolveFolder("inbox"), { code: "WRONG_AUDIENCE" });
    g.close();
    assert.deepEqual(provider.calls, [false]);
  });

  test("a GET whose connection is closed is tried once more on a new connection; a POST is not", async () => {
    script((res) => res.socket?.destroy());
    const a = client();
    const f = await a.g.resolveFolder("inbox");
    a.g.close();
    assert.equal(f.id, "INBOX-ID");
    assert.equal(srv.requests.length, 2);

    srv.requests.length = 0;
    script((res) => res.socket?.destroy());
    const b = client();
    await assert.rejects(b.g.move("M1", "D"), { code: "CONNECTION_CLOSED" });
    b.g.close();
    assert.equal(srv.requests.length, 1);

    srv.requests.length = 0;
    script(
      (res) => res.socket?.destroy(),
      (res) => res.socket?.destroy(),
    );
    const c = client();
    await assert.rejects(c.g.resolveFolder("inbox"), { code: "CONNECTION_CLOSED" });
    c.g.close();
    assert.equal(srv.requests.length, 2);
  });

  test("an abort stops a Retry-After wait", async () => {
    script((res) => sendRow(res, graphReply("throttled"), { "retry-after": "60" }));
    const ac = new AbortController();
    const g = testClient(srv, TOKEN, { signal: ac.signal });
    const p = g.resolveFolder("inbox");
    while (srv.requests.length === 0) await new Promise((r) => setImmediate(r));
    ac.abort(new Error("stopped by the test"));
    await assert.rejects(p, /stopped by the test/);
    g.close();
  });
});
