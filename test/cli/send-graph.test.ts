/**
 * End to end: the BUILT CLI `send --protocol graph` against the identity fake and the sandbox's Graph fake on loopback
 * (`--graph-url`, `--authority-host`, `--ca-file`): accepted (202), Mail.Send missing and Send As refused get the
 * codes and fix texts of `test --protocol graph`, with the real IDs. Compile first: `npm run build:all`.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultSandboxTenant, type FakeApp, type FakeTenant } from "../../src/sandbox/identity/index.js";
import { runCli } from "../harness/cli.js";
import { cliJson } from "../harness/e2e.js";
import { sibling } from "../harness/e2e-fixture.js";
import { type GraphWorld, startWorld } from "../harness/world.js";
import { graphWorldArgs } from "./graph-cli.js";

const base = defaultSandboxTenant();
const main = base.apps[0] as FakeApp;
const SECRET = main.secrets[0]?.value as string;
const MB = "info@contoso.onmicrosoft.com";
const READ_ONLY = sibling(1, { graphRoles: ["Mail.Read"] }, "5555");
const tenant: FakeTenant = { ...base, apps: [main, READ_ONLY] };

let w: GraphWorld;
let n = 0;

before(async () => {
  w = await startWorld({ identity: { tenants: [tenant] }, graph: {}, prefix: "xoauth-send-graph-" });
});
after(() => w.stop());

function eml(from: string): string {
  const file = join(w.dir, `m${++n}.eml`);
  writeFileSync(
    file,
    `From: ${from}\r\nTo: ops@fabrikam.example\r\nSubject: cli ${n}\r\nMessage-ID: <cli-${n}@contoso>\r\n\r\nbody\r\n`,
  );
  return file;
}

async function graphSend(app: FakeApp, file: string, extra: string[] = []) {
  const r = await runCli(
    [
      "send",
      "--protocol",
      "graph",
      ...graphWorldArgs(w, tenant.tenantId, app.clientId, MB),
      "--to",
      "ops@fabrikam.example",
      ...extra,
      file,
    ],
    { env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(w.dir, `cache-${++n}`) } },
  );
  return r;
}

const textOf = (d: { summary: string; causes: string[]; fix: string[] }) =>
  [d.summary, ...d.causes, ...d.fix].join("\n");

describe("send --protocol graph against the sandbox's Graph fake", () => {
  test("accepted: exit 0, 202 with the request-id, the .eml arrives byte for byte", async () => {
    const file = eml(MB);
    const r = await graphSend(main, file, ["--json"]);
    const json = cliJson(r, r.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json.ok, true);
    assert.equal(json.transport, "graph");
    assert.equal(json.path, "mime");
    assert.equal(json.status, 202);
    assert.equal(json.response, "202 Accepted");
    assert.equal(typeof json.requestId, "string");
    assert.equal(w.graph.sent.at(-1)?.raw.toString(), readFileSync(file, "utf8"));
  });

  test("Mail.Read but no Mail.Send: GRAPH_PERMISSION_MISSING (exit 3) naming Mail.Send and the app's real IDs", async () => {
    const r = await graphSend(READ_ONLY, eml(MB), ["--json"]);
    const json = cliJson(r, r.stderr);
    assert.equal(json.diagnosis.code, "GRAPH_PERMISSION_MISSING", textOf(json.diagnosis));
    assert.equal(r.code, 3);
    const text = textOf(json.diagnosis);
    assert.match(text, /Microsoft Graph > Application permissions > Mail\.Send/);
    assert.ok(
      text.includes(
        `New-ServicePrincipal -AppId ${READ_ONLY.clientId} -ObjectId ${READ_ONLY.servicePrincipalObjectId}`,
      ),
    );
    assert.ok(text.includes(tenant.tenantId));
    assert.doesNotMatch(text, /\{[a-zA-Z]+\}/);
    assert.deepEqual(
      json.steps.map((s: { id: string; ok: boolean }) => [s.id, s.ok]),
      [
        ["options", true],
        ["token", true],
        ["claims", true],
        ["send", false],
      ],
    );
    assert.equal(new URL(json.server.url).origin, new URL(w.graphUrl).origin);
    assert.equal(json.diagnosis.requestId, w.graph.requests.at(-1)?.requestId, "Graph's request-id for support");
  });

  test("a From address the mailbox may not send as: SEND_AS_DENIED (exit 4) naming the From address and the mailbox", async () => {
    const r = await graphSend(main, eml("boss@contoso.onmicrosoft.com"));
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /✗ SEND_AS_DENIED: /);
    assert.match(r.stderr, /boss@contoso\.onmicrosoft\.com/);
    assert.match(r.stderr, /\n {2}Microsoft Graph request-id: [0-9a-f-]{36} \(give it to Microsoft support\)\n/);
    assert.ok(r.stderr.includes(MB));
  });

  test("an Exchange token sent to Graph: WRONG_AUDIENCE (exit 3), as `test --protocol graph` says", async () => {
    const r = await graphSend(main, eml(MB), ["--json", "--scope", "https://outlook.office365.com/.default"]);
    const json = cliJson(r, r.stderr);
    assert.equal(json.diagnosis.code, "WRONG_AUDIENCE", textOf(json.diagnosis));
    assert.equal(r.code, 3);
    assert.match(textOf(json.diagnosis), /--scope https:\/\/graph\.microsoft\.com\/\.default/);
  });
});
