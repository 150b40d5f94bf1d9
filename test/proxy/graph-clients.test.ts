/**
 * The proxy's Graph clients: one per account, shared by every session of that account (Microsoft's 4 concurrent
 * requests per mailbox hold across sessions, TLS connections are reused), a failed creation is not kept, and the
 * proxy's close closes them all.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import type { GraphClient, GraphClientOptions } from "../../src/graph/types.js";
import type { UpstreamLoginRequest } from "../../src/proxy/types.js";
import { GraphClients, leaseGraphClient } from "../../src/proxy/upstream/graph.js";

function request(account: string, mailbox = `${account}@contoso.example`): UpstreamLoginRequest {
  const tokens = { getToken: async () => "t" } as unknown as NonNullable<
    UpstreamLoginRequest["account"]["graph"]
  >["tokens"];
  return {
    protocol: "smtp",
    target: { host: "", port: 0, tls: "implicit", graph: true },
    account: { name: account, mailbox, tokens, graph: { url: "https://127.0.0.1:1/v1.0", tokens } },
  } as unknown as UpstreamLoginRequest;
}

function factory() {
  const made: { opts: GraphClientOptions; closed: number }[] = [];
  let fail = 0;
  const createClient = (opts: GraphClientOptions): GraphClient => {
    if (fail > 0) {
      fail--;
      throw new Error("cannot create");
    }
    const rec = { opts, closed: 0 };
    made.push(rec);
    return { close: () => rec.closed++ } as unknown as GraphClient;
  };
  return { made, createClient, failNext: () => fail++ };
}

it("one client per account for every session; another account gets its own; close() closes each once", async () => {
  const f = factory();
  const pool = new GraphClients({ createClient: f.createClient, ca: ["PEM"] });
  const leases = await Promise.all([1, 2, 3].map(() => pool.lease(request("shop"))));
  const other = await pool.lease(request("hr"));
  assert.equal(f.made.length, 2);
  assert.ok(leases.every((l) => l.client === leases[0]?.client));
  assert.notEqual(other.client, leases[0]?.client);
  assert.deepEqual(
    f.made.map((m) => [m.opts.mailbox, m.opts.ca]),
    [
      ["shop@contoso.example", ["PEM"]],
      ["hr@contoso.example", ["PEM"]],
    ],
  );
  for (const l of [...leases, other]) l.release();
  assert.deepEqual(
    f.made.map((m) => m.closed),
    [0, 0],
    "a session's end does not close the shared client",
  );
  pool.close();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    f.made.map((m) => m.closed),
    [1, 1],
  );
});

it("a client that could not be created is not kept: the next session tries again", async () => {
  const f = factory();
  const pool = new GraphClients({ createClient: f.createClient });
  f.failNext();
  await assert.rejects(pool.lease(request("shop")), /cannot create/);
  const l = await pool.lease(request("shop"));
  assert.equal(f.made.length, 1);
  assert.equal(l.client, (await pool.lease(request("shop"))).client);
});

it("without a pool (a lone session) the lease's release closes its own client", async () => {
  const f = factory();
  const lease = await leaseGraphClient(request("shop"), { createClient: f.createClient });
  lease.release();
  assert.equal(f.made[0]?.closed, 1);
});
