/**
 * The BUILT CLI with NODE_TLS_REJECT_UNAUTHORIZED=0 in its environment: `token` against token endpoints with a
 * self-signed, unknown-CA, expired and wrong-name certificate must fail with TLS_UNTRUSTED / TLS_HOSTNAME_MISMATCH
 * before the POST with the client secret leaves (the servers see no byte after the handshake), and say once that the
 * variable is ignored; `proxy` logs that once at start and refuses a bad token endpoint and a bad upstream the same way.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { runCli } from "../harness/cli.js";
import { hashWithCli, type ProxyChild, startProxyWithConfig } from "../harness/proxy/cli-proxy.js";
import { rawConnect } from "../harness/proxy/raw-client.js";
import {
  BAD_CERTS,
  badCerts,
  EXPECTED_CODE,
  type RecordingServer,
  recordingTlsServer,
} from "../harness/servers/hostile-tls.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
const SECRET = app.secrets[0]?.value as string;
const OFF = { NODE_TLS_REJECT_UNAUTHORIZED: "0" };
const NOTICE_EN = /NODE_TLS_REJECT_UNAUTHORIZED=0 is set and ignored/g;

let dir = "";
let caFile = "";
let identity: IdentityFake;
const endpoints = new Map<string, RecordingServer>();
let badPop3: RecordingServer;
/** A POP3 upstream the proxy trusts, so that a login gets as far as asking for a token. */
let goodPop3: RecordingServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-tls-env-"));
  const pki = createTestPki();
  caFile = join(dir, "ca.pem");
  writeFileSync(caFile, pki.ca.certPem);
  identity = new IdentityFake({ pki, tenants: [tenant] });
  await identity.start();
  const certs = badCerts(pki);
  for (const c of BAD_CERTS) endpoints.set(c, await recordingTlsServer(certs[c], "implicit"));
  badPop3 = await recordingTlsServer(certs["wrong-name"], "implicit");
  goodPop3 = await recordingTlsServer(pki.issueServerCert(), "implicit", { speak: "pop3" });
});

after(async () => {
  await Promise.all([...endpoints.values(), badPop3, goodPop3].map((s) => s?.close()));
  await identity?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function token(endpoint: RecordingServer, args: string[] = [], env: Record<string, string> = {}) {
  return runCli(
    [
      "token",
      ...["--authority-host", `https://127.0.0.1:${endpoint.port}`, "--ca-file", caFile],
      ...["--tenant-id", tenant.tenantId, "--client-id", app.clientId],
      ...args,
    ],
    { env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, `cache-${++n}`), ...OFF, ...env } },
  );
}

describe("token with NODE_TLS_REJECT_UNAUTHORIZED=0", () => {
  for (const cert of BAD_CERTS) {
    test(`a ${cert} certificate: ${EXPECTED_CODE[cert]}, exit 5, the client secret never sent`, async () => {
      const endpoint = endpoints.get(cert) as RecordingServer;
      const r = await token(endpoint);
      assert.equal(r.code, 5, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, new RegExp(`\\[${EXPECTED_CODE[cert]}\\]`));
      assert.equal(endpoint.received(), 0, "the token request reached a server with a bad certificate");
      assert.equal(r.stderr.match(NOTICE_EN)?.length, 1, r.stderr);
      assert.match(r.stderr, /^warning: NODE_TLS_REJECT_UNAUTHORIZED=0 is set and ignored: .*--ca-file/m);
      // Node's own warning ("makes TLS connections ... insecure") would contradict ours: it must not appear.
      assert.doesNotMatch(r.stderr, /\(node:\d+\)|insecure/);
    });
  }

  test("--json: stdout holds only the JSON error, the notice goes to stderr (German with LANG=de)", async () => {
    const endpoint = endpoints.get("self-signed") as RecordingServer;
    const r = await token(endpoint, ["--json"], { LANG: "de_DE.UTF-8" });
    assert.equal(r.code, 5, r.stderr);
    const j = JSON.parse(r.stdout) as { ok: boolean; error: { code: string } };
    assert.equal(j.ok, false);
    assert.equal(j.error.code, "TLS_UNTRUSTED");
    assert.doesNotMatch(r.stdout, /NODE_TLS/);
    assert.equal(r.stderr.match(/NODE_TLS_REJECT_UNAUTHORIZED=0 ist gesetzt und wird ignoriert/g)?.length, 1);
    assert.equal(endpoint.received(), 0);
  });

  test("without the variable there is no notice", async () => {
    const r = await token(endpoints.get("expired") as RecordingServer, [], { NODE_TLS_REJECT_UNAUTHORIZED: "1" });
    assert.equal(r.code, 5);
    assert.doesNotMatch(r.stderr, /NODE_TLS_REJECT_UNAUTHORIZED/);
  });
});

describe("proxy with NODE_TLS_REJECT_UNAUTHORIZED=0", () => {
  let proxy: ProxyChild;

  before(async () => {
    const account = (authorityHost: string) => ({
      tenantId: tenant.tenantId,
      clientId: app.clientId,
      secret: { env: "PROXY_TEST_SECRET" },
      authorityHost,
      caFile,
      mailbox: "shop@contoso.onmicrosoft.com",
    });
    const hash = await hashWithCli("proxy-password-1");
    const upstream = (s: RecordingServer) => ({ host: "127.0.0.1", port: s.port, tls: "implicit" });
    const config = {
      accounts: {
        badIdp: account(`https://127.0.0.1:${(endpoints.get("self-signed") as RecordingServer).port}`),
        good: account(identity.url),
      },
      proxy: {
        authFailureDelayMs: 10,
        listeners: [
          { name: "good", protocol: "pop3", listen: { port: 0 }, upstream: upstream(goodPop3) },
          { name: "bad", protocol: "pop3", listen: { port: 0 }, upstream: upstream(badPop3) },
        ],
        users: [
          { username: "a", passwordHash: hash, account: "badIdp" },
          { username: "b", passwordHash: hash, account: "good" },
        ],
      },
    };
    proxy = await startProxyWithConfig(dir, config, 0, {
      PROXY_TEST_SECRET: SECRET,
      XOAUTH_MAIL_CACHE_DIR: join(dir, "proxy-cache"),
      ...OFF,
    });
    for (const l of ["good", "bad"]) await proxy.waitFor((r) => r.event === "listening" && r.listener === l);
  });

  after(() => proxy?.kill());

  async function login(listener: string, user: string): Promise<void> {
    const c = await rawConnect(proxy.port(listener));
    await c.waitFor(/^\+OK/);
    c.send(`USER ${user}\r\nPASS proxy-password-1\r\n`);
    await c.waitFor(/-ERR/);
    c.destroy();
  }

  test("logs the notice once, as a JSON record, and nothing else on stderr", () => {
    const notices = proxy.records.filter((r) => r.event === "tls-env-ignored");
    assert.equal(notices.length, 1);
    assert.equal(notices[0]?.level, "warn");
    assert.match(notices[0]?.message ?? "", /is set and ignored/);
    assert.deepEqual(proxy.nonJson, []);
  });

  test("a token endpoint with a self-signed certificate: TLS_UNTRUSTED, the secret never sent", async () => {
    const endpoint = endpoints.get("self-signed") as RecordingServer;
    const before = endpoint.received();
    await login("good", "a");
    const rec = await proxy.waitFor((r) => r.event === "login" && r.user === "a");
    assert.equal(rec.code, "TLS_UNTRUSTED", proxy.stderr());
    assert.match(rec.message ?? "", new RegExp(`127\\.0\\.0\\.1:${endpoint.port}\\b`), "the token endpoint failed");
    assert.equal(endpoint.received(), before);
  });

  test("an upstream POP3 server with a wrong-name certificate: TLS_HOSTNAME_MISMATCH, the token never sent", async () => {
    await login("bad", "b");
    const rec = await proxy.waitFor((r) => r.event === "login" && r.user === "b");
    assert.equal(rec.code, "TLS_HOSTNAME_MISMATCH", proxy.stderr());
    assert.equal(badPop3.received(), 0);
    assert.equal(proxy.records.filter((r) => r.event === "tls-env-ignored").length, 1);
    assert.deepEqual(proxy.nonJson, []);
  });
});
