/**
 * The Graph fetch pass against an in-memory double of the GraphClient (test/fetch/graph-double.ts): delta paging,
 * the ledger (replays, 410), concurrency and commit order, server actions only after durability, owed actions
 * retried without a download, --limit and abort keeping the old delta link.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { fetchAccount } from "../../src/fetch/engine.js";
import type { FetchEvent } from "../../src/fetch/types.js";
import { deliveredHashes, sha256, tmpFiles } from "../harness/fetch-env.js";
import { tempDir } from "../harness/store-fs.js";
import { fill, GraphDouble, options, stateOf } from "./graph-double.js";

it("graph: delivers every message of every delta page byte for byte, then only what is new (delta link)", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  const first = fill(g, 7);
  const s1 = await fetchAccount(options(g, dir));
  assert.equal(s1.ok, true, JSON.stringify(s1.errors));
  assert.equal(s1.protocol, "graph");
  assert.equal(s1.fetched, 7);
  assert.deepEqual(deliveredHashes(dir), first.map(sha256).sort());
  const st = stateOf(dir);
  assert.equal(st.protocol, "graph");
  assert.equal(st.graph.delivered.length, 7);
  assert.equal(st.graph.deltaLink, "delta:f-inbox:7");
  assert.deepEqual(tmpFiles(dir), []);

  const later = fill(g, 2, 8);
  g.calls.length = 0;
  const s2 = await fetchAccount(options(g, dir));
  assert.equal(s2.fetched, 2);
  assert.equal(g.calls[0], "deltaPage delta:f-inbox:7", "the round starts from the stored delta link");
  assert.deepEqual(deliveredHashes(dir), [...first, ...later].map(sha256).sort());
  const s3 = await fetchAccount(options(g, dir));
  assert.equal(s3.fetched, 0);
});

it("graph: a page replayed within a round delivers nothing twice", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  const msgs = fill(g, 8);
  g.replayOnce = "next:f-inbox:0:8:3";
  const s = await fetchAccount(options(g, dir));
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(g.calls.filter((c) => c === "deltaPage next:f-inbox:0:8:3").length, 2, "the page was replayed");
  assert.equal(s.fetched, 8);
  assert.deepEqual(deliveredHashes(dir), msgs.map(sha256).sort());
});

it("graph: an expired delta link (410) lists the whole folder again without a duplicate", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  const first = fill(g, 5);
  await fetchAccount(options(g, dir));
  const later = fill(g, 2, 6);
  g.expired.add("delta:f-inbox:5");
  const events: FetchEvent[] = [];
  g.calls.length = 0;
  const s = await fetchAccount(options(g, dir, { onEvent: (e) => events.push(e) }));
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, 2);
  assert.equal(s.skipped, 5);
  assert.deepEqual(g.calls.slice(0, 2), ["deltaPage delta:f-inbox:5", "deltaPage full"]);
  assert.ok(events.some((e) => e.type === "warning" && /410/.test(e.message)));
  assert.deepEqual(deliveredHashes(dir), [...first, ...later].map(sha256).sort());
  assert.equal(stateOf(dir).graph.deltaLink, "delta:f-inbox:7");
});

it("graph: at most maxConcurrency downloads in flight, committed in listing order", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  g.pageSize = 50;
  const msgs = fill(g, 12);
  const ids = g.inFolder("f-inbox");
  // The first download is held until the third one has started: the window fills, commits wait for the first.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  g.holdMime = (id) => {
    if (id === ids[2]) release();
    return id === ids[0] ? held : undefined;
  };
  const order: string[] = [];
  const s = await fetchAccount(
    options(g, dir, {
      graph: { baseUrl: "https://graph.test/v1.0", createClient: g.client, maxConcurrency: 3 },
      onEvent: (e) => {
        if (e.type === "message") order.push(e.id);
      },
    }),
  );
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(g.maxMimeInFlight, 3, "the window is full, never more");
  assert.deepEqual(order, ids, "committed in listing order");
  assert.deepEqual(deliveredHashes(dir), msgs.map(sha256).sort());
});
