/**
 * `fetch --protocol graph` refused by Graph, through the BUILT CLI against the sandbox's Graph fake: the 403 on marking
 * a message read is judged by the role changing needs (Mail.ReadWrite), and Graph's request-id is in the output (text line,
 * --json errors[].requestId). Compile first: `npm run build:all`.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type GraphFetchEnv, startGraphFetchEnv } from "../harness/graph-fetch-env.js";

describe("fetch --protocol graph refused by Graph", () => {
  let env: GraphFetchEnv;
  let roles: string[] | undefined;
  before(async () => {
    env = await startGraphFetchEnv();
    roles = env.world.app.graphRoles;
    env.world.app.graphRoles = ["Mail.Read"];
  });
  after(async () => {
    env.world.app.graphRoles = roles;
    await env?.stop();
  });

  const maildir = () => join(mkdtempSync(join(env.world.dir, "md-")), "Maildir");

  test("--mark-read with only Mail.Read: GRAPH_PERMISSION_MISSING (not out of scope), exit 3, requestId in --json", async () => {
    const start = env.world.graph.requests.length;
    const r = await env.cli(env.args(maildir(), ["--mark-read", "--no-cache"]));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    const s = JSON.parse(r.stdout) as { ok: boolean; errors: { code: string; requestId?: string }[] };
    assert.equal(s.ok, false);
    assert.equal(s.errors[0]?.code, "GRAPH_PERMISSION_MISSING");
    const refused = env.world.graph.requests.slice(start).find((q) => q.status === 403);
    assert.ok(refused, "Graph refused a request");
    assert.equal(s.errors[0]?.requestId, refused.requestId);
  });

  test("the text output names Graph's request-id for Microsoft support and the permission marking read needs", async () => {
    const args = env.args(maildir(), ["--mark-read", "--no-cache"]).filter((a) => a !== "--json");
    const start = env.world.graph.requests.length;
    const r = await env.cli(args);
    assert.equal(r.code, 3, r.stderr);
    const refused = env.world.graph.requests.slice(start).find((q) => q.status === 403);
    assert.ok(
      r.stderr.includes(`  Microsoft Graph request-id: ${refused?.requestId} (give it to Microsoft support)\n`),
      r.stderr,
    );
    assert.match(r.stderr, /GRAPH_PERMISSION_MISSING/);
    assert.match(r.stderr, /Microsoft Graph > Application permissions > Mail\.ReadWrite > Add permissions/);
    const app = env.world.app;
    assert.ok(
      r.stderr.includes(`New-ServicePrincipal -AppId ${app.clientId} -ObjectId ${app.servicePrincipalObjectId}`),
    );
    assert.ok(r.stderr.includes(env.world.tenant.tenantId));
    assert.doesNotMatch(r.stderr, /<appid>|<oid>|<tenantId>/);
  });
});
