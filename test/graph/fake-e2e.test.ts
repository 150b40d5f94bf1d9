/**
 * The Graph client against the sandbox's Graph fake (src/sandbox/graph): folders, a full delta round, `$value` byte
 * for byte, move / mark read / delete, 4 requests in flight without a MailboxConcurrency 429, Retry-After, 410.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createGraphClient } from "../../src/graph/client.js";
import type { GraphClient, GraphMessageRef } from "../../src/graph/types.js";
import type { TraceEvent } from "../../src/net/types.js";
import { type GraphWorld, startWorld } from "../harness/world.js";
import { tokenProvider } from "./graph-server.js";

const MB = "info@contoso.onmicrosoft.com";

describe("Graph client against the sandbox's Graph fake", () => {
  let w: GraphWorld;
  let g: GraphClient;
  const trace: TraceEvent[] = [];
  const sleeps: number[] = [];
  before(async () => {
    w = await startWorld({ graph: {} });
    g = createGraphClient({
      baseUrl: w.graphUrl,
      mailbox: MB,
      tokenProvider: tokenProvider(w.identity.mintAccessToken({}, { resource: "graph" })),
      ca: [w.pki.ca.certPem],
      trace: (e) => trace.push(e),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
  });
  after(async () => {
    g.close();
    await w.stop();
  });

  async function fullRound(folderId: string, link?: string): Promise<{ refs: GraphMessageRef[]; deltaLink: string }> {
    const refs: GraphMessageRef[] = [];
    let next = link;
    for (;;) {
      const page = await g.deltaPage(folderId, next);
      refs.push(...page.messages);
      if (page.deltaLink) return { refs, deltaLink: page.deltaLink };
      next = page.nextLink;
    }
  }

  test("inbox, a nested path, a full delta round and every $value byte for byte", async () => {
    w.graph.addFolder(MB, "INBOX/Invoices");
    const inbox = await g.resolveFolder("inbox");
    const invoices = await g.resolveFolder("Inbox/invoices");
    assert.equal(invoices.displayName, "Invoices");
    await assert.rejects(g.resolveFolder("Inbox/Nope"), { code: "FOLDER_NOT_FOUND" });
    const { refs } = await fullRound(inbox.id);
    const stored = w.graph.directory.findMailbox(MB)?.folders.get("INBOX") ?? [];
    assert.equal(refs.length, stored.length);
    const bodies = await Promise.all(
      refs.map(async (r) => {
        const { stream } = await g.openMime(r.id);
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(c as Buffer);
        return Buffer.concat(chunks).toString("latin1");
      }),
    );
    assert.deepEqual(bodies.sort(), stored.map((m) => m.raw.toString("latin1")).sort());
  });

  test("30 messages fetched 4 at a time with latency: no MailboxConcurrency 429", async () => {
    w.graph.seed(MB, 30, (i) => Buffer.from(`Subject: m${i}\r\nMessage-ID: <m${i}@e2e>\r\n\r\nbody ${i}\r\n`));
    w.graph.faults.latencyMs = 20;
    try {
      const inbox = await g.resolveFolder("inbox");
      const { refs } = await fullRound(inbox.id);
      trace.length = 0;
      await Promise.all(
        refs.map(async (r) => {
          const { stream } = await g.openMime(r.id);
          for await (const _ of stream);
        }),
      );
      assert.ok(refs.length >= 30);
      assert.equal(trace.filter((e) => e.dir === "s" && e.line.startsWith("429")).length, 0);
    } finally {
      w.graph.faults.latencyMs = 0;
    }
  });

  test("move, mark read, delete; the next delta round reports the moved ones as removed", async () => {
    const inbox = await g.resolveFolder("inbox");
    const invoices = await g.resolveFolder("Inbox/Invoices");
    const { refs, deltaLink } = await fullRound(inbox.id);
    const [a, b, c] = refs as [GraphMessageRef, GraphMessageRef, GraphMessageRef];
    const moved = await g.move(a.id, invoices.id);
    assert.equal(moved.id, a.id, "immutable ids survive a move");
    await g.markRead(b.id);
    await g.delete(c.id);
    const removed: string[] = [];
    let link: string | undefined = deltaLink;
    for (;;) {
      const page = await g.deltaPage(inbox.id, link);
      removed.push(...page.removed);
      if (page.deltaLink) break;
      link = page.nextLink;
    }
    assert.ok(removed.includes(a.id) && removed.includes(c.id), JSON.stringify(removed));
  });

  test("a queued 429 is waited out (Retry-After); an expired sync state is SYNC_STATE_EXPIRED", async () => {
    sleeps.length = 0;
    w.graph.failNext("throttled", 1, 3);
    await g.resolveFolder("inbox");
    assert.deepEqual(sleeps, [3000]);
    const inbox = await g.resolveFolder("inbox");
    const { deltaLink } = await fullRound(inbox.id);
    w.graph.expireSyncStates();
    await assert.rejects(g.deltaPage(inbox.id, deltaLink), { code: "SYNC_STATE_EXPIRED" });
  });

  test("a token without Graph roles: the generic 403 is GRAPH_PERMISSION_MISSING", async () => {
    const noRoles = createGraphClient({
      baseUrl: w.graphUrl,
      mailbox: MB,
      tokenProvider: tokenProvider(w.identity.mintAccessToken({ roles: undefined }, { resource: "graph" })),
      ca: [w.pki.ca.certPem],
    });
    try {
      await assert.rejects(
        noRoles.resolveFolder("inbox"),
        (e: Error & { code?: string; details?: { httpStatus?: number } }) => {
          assert.equal(e.details?.httpStatus, 403);
          assert.equal(e.code, "GRAPH_PERMISSION_MISSING");
          return true;
        },
      );
    } finally {
      noRoles.close();
    }
  });
});
