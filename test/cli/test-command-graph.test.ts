/**
 * End to end: the BUILT CLI `test --protocol graph --json` against the identity fake and the sandbox's Graph fake on
 * loopback (`--graph-url`, `--authority-host`, `--ca-file`): every Graph diagnosis code, with the fix naming the real
 * tenant, app ID, service principal object ID and mailbox. Compile first: `npm run build:all`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultSandboxTenant, type FakeApp, type FakeTenant } from "../../src/sandbox/identity/index.js";
import { runCli } from "../harness/cli.js";
import { cliJson } from "../harness/e2e.js";
import { sibling as siblingApp } from "../harness/e2e-fixture.js";
import { type GraphWorld, startWorld } from "../harness/world.js";
import { graphWorldArgs } from "./graph-cli.js";

const base = defaultSandboxTenant();
const main = base.apps[0] as FakeApp; // the same app e2e-fixture's siblings copy
const SECRET = main.secrets[0]?.value as string;
const MB = "info@contoso.onmicrosoft.com";

const sibling = (n: number, extra: Partial<FakeApp>) => siblingApp(n, extra, "4444");
const NO_GRAPH = sibling(1, { graphRoles: [] });
const READ_ONLY = sibling(2, { graphRoles: ["Mail.Read"] });
const AAP = sibling(3, { graphRoles: ["Mail.Read"] });
const RBAC_IN = sibling(4, { graphRoles: [] });
const RBAC_OUT = sibling(5, { graphRoles: [] });
const tenant: FakeTenant = { ...base, apps: [main, NO_GRAPH, READ_ONLY, AAP, RBAC_IN, RBAC_OUT] };

let w: GraphWorld;
let n = 0;

before(async () => {
  w = await startWorld({ identity: { tenants: [tenant] }, graph: {}, prefix: "xoauth-test-graph-" });
  const dir = w.graph.directory;
  dir.accessPolicies.push({ appId: AAP.clientId, accessRight: "RestrictAccess", groupMembers: [] });
  dir.appRoleAssignments.push({
    spObjectId: RBAC_IN.servicePrincipalObjectId,
    role: "Application Mail.Read",
    scope: [MB],
  });
  dir.appRoleAssignments.push({
    spObjectId: RBAC_OUT.servicePrincipalObjectId,
    role: "Application Mail.Read",
    scope: ["someone-else@contoso.onmicrosoft.com"],
  });
  dir.mailboxlessUsers.push({
    address: "nolicence@contoso.onmicrosoft.com",
    objectId: "5f0e7a2b-0000-4c5d-9e8f-000000000001",
  });
});
after(() => w.stop());

async function graphTest(app: FakeApp, extra: string[] = [], mailbox = MB) {
  const r = await runCli(
    ["test", "--json", "--protocol", "graph", ...graphWorldArgs(w, tenant.tenantId, app.clientId, mailbox), ...extra],
    { env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(w.dir, `cache-${++n}`) } },
  );
  const json = cliJson(r, r.stderr);
  return {
    code: r.code,
    json,
    text: json.diagnosis ? [json.diagnosis.summary, ...json.diagnosis.causes, ...json.diagnosis.fix].join("\n") : "",
  };
}

/** The fix names this app's real IDs, the tenant and the mailbox; no placeholder is left. */
function namesIds(text: string, app: FakeApp, mailbox = MB): void {
  assert.ok(text.includes(app.clientId), "app ID");
  assert.ok(text.includes(mailbox), "mailbox");
  assert.ok(text.includes(tenant.tenantId), "tenant");
  assert.doesNotMatch(text, /\{[a-zA-Z]+\}/);
}

describe("test --protocol graph against the sandbox's Graph fake", () => {
  test("consented Mail.ReadWrite + Mail.Send: OK, with the send probe; same JSON shape as the other protocols", async () => {
    const r = await graphTest(main, ["--check-send"]);
    assert.equal(r.json.diagnosis.code, "OK", r.text);
    assert.equal(r.code, 0);
    assert.deepEqual(Object.keys(r.json), ["ok", "protocol", "mailbox", "server", "steps", "claims", "diagnosis"]);
    assert.equal(r.json.protocol, "graph");
    assert.equal(r.json.server.tls, "implicit");
    assert.deepEqual(
      r.json.steps.map((s: { id: string; ok: boolean }) => [s.id, s.ok]),
      [
        ["options", true],
        ["token", true],
        ["claims", true],
        ["connect", true],
        ["tls", true],
        ["mailbox", true],
        ["list", true],
        ["send-probe", true],
      ],
    );
    assert.equal(r.json.claims.aud, "https://graph.microsoft.com");
    assert.equal(w.graph.sent.length, 0, "the send probe sent nothing");
  });

  test("no Graph permission at all: GRAPH_PERMISSION_MISSING (exit 3) with portal path, New-ServicePrincipal and the oid", async () => {
    const r = await graphTest(NO_GRAPH);
    assert.equal(r.json.diagnosis.code, "GRAPH_PERMISSION_MISSING", r.text);
    assert.equal(r.code, 3);
    namesIds(r.text, NO_GRAPH);
    assert.ok(
      r.text.includes(
        `New-ServicePrincipal -AppId ${NO_GRAPH.clientId} -ObjectId ${NO_GRAPH.servicePrincipalObjectId}`,
      ),
    );
    assert.match(r.text, /Microsoft Graph > Application permissions > Mail\.Read/);
  });

  test("RBAC for Applications scoped to another mailbox: GRAPH_PERMISSION_MISSING with Test-ServicePrincipalAuthorization", async () => {
    const r = await graphTest(RBAC_OUT);
    assert.equal(r.json.diagnosis.code, "GRAPH_PERMISSION_MISSING", r.text);
    assert.ok(r.text.includes(`Test-ServicePrincipalAuthorization -Identity ${RBAC_OUT.clientId} -Resource ${MB}`));
  });

  test("RBAC for Applications covering the mailbox: OK although the token has no roles", async () => {
    const r = await graphTest(RBAC_IN);
    assert.equal(r.json.diagnosis.code, "OK", r.text);
    assert.equal(r.json.claims.roles, null);
  });

  test("an Application Access Policy leaves the mailbox out: GRAPH_MAILBOX_OUT_OF_SCOPE (exit 4)", async () => {
    const r = await graphTest(AAP);
    assert.equal(r.json.diagnosis.code, "GRAPH_MAILBOX_OUT_OF_SCOPE", r.text);
    assert.equal(r.code, 4);
    namesIds(r.text, AAP);
    assert.ok(r.text.includes(`Test-ApplicationAccessPolicy -Identity ${MB} -AppId ${AAP.clientId}`));
  });

  test("Mail.Read without Mail.Send, --check-send: GRAPH_PERMISSION_MISSING at the send probe, naming Mail.Send", async () => {
    const r = await graphTest(READ_ONLY, ["--check-send"]);
    assert.equal(r.json.diagnosis.code, "GRAPH_PERMISSION_MISSING", r.text);
    assert.equal(r.json.steps.at(-1).id, "send-probe");
    assert.match(r.text, /Application Mail\.Send/);
    namesIds(r.text, READ_ONLY);
  });

  test("no such user, and a user without a mailbox licence: MAILBOX_NOT_FOUND (exit 4)", async () => {
    const none = await graphTest(main, [], "nobody@contoso.onmicrosoft.com");
    assert.equal(none.json.diagnosis.code, "MAILBOX_NOT_FOUND", none.text);
    assert.equal(none.code, 4);
    assert.match(none.text, /nobody@contoso\.onmicrosoft\.com/);
    const lic = await graphTest(main, [], "nolicence@contoso.onmicrosoft.com");
    assert.equal(lic.json.diagnosis.code, "MAILBOX_NOT_FOUND", lic.text);
    assert.match(lic.text, /licence/);
  });

  test("an Exchange token sent to Graph: WRONG_AUDIENCE naming the Graph scope (exit 3)", async () => {
    const r = await graphTest(main, ["--scope", "https://outlook.office365.com/.default"]);
    assert.equal(r.json.diagnosis.code, "WRONG_AUDIENCE", r.text);
    assert.equal(r.code, 3);
    assert.match(r.text, /--scope https:\/\/graph\.microsoft\.com\/\.default/);
    assert.equal(r.json.steps.find((s: { id: string }) => s.id === "mailbox")?.ok, false, "Graph's 401 shown too");
  });

  test("429 with a Retry-After longer than test waits: THROTTLED about Graph's mailbox limits", async () => {
    w.graph.faults.queue.push({ reply: "throttled", retryAfterSec: 600 });
    const r = await graphTest(main);
    assert.equal(r.json.diagnosis.code, "THROTTLED", r.text);
    assert.match(r.json.diagnosis.summary, /Microsoft Graph throttled app/);
  });

  test("--protocol all adds graph when --graph-url is given", async () => {
    const r = await graphTest(main, ["--protocol", "all", "--host", "127.0.0.1", "--port", "1"]);
    assert.deepEqual(
      r.json.results.map((x: { protocol: string }) => x.protocol),
      ["pop3", "imap", "smtp", "graph"],
    );
    assert.equal(r.json.results[3].diagnosis.code, "OK");
  });
});
