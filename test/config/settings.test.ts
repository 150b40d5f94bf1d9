import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { resolveSettings, scopeFor } from "../../src/config/settings.js";
import { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { createTestPki } from "../../src/sandbox/pki.js";

const T1 = "11111111-1111-4111-8111-111111111111";
const T2 = "22222222-2222-4222-8222-222222222222";
const C1 = "33333333-3333-4333-8333-333333333333";
const C2 = "44444444-4444-4444-8444-444444444444";

let dir: string;
let certFile: string;
const quiet = { warn: () => {} };

before(() => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-settings-"));
  const pki = createTestPki();
  certFile = join(dir, "app.pem");
  writeFileSync(certFile, pki.issueClientCert("app").combinedPem, { mode: 0o600 });
  writeFileSync(join(dir, "ca.pem"), pki.ca.certPem);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, content, { mode });
  chmodSync(p, mode);
  return p;
}

async function rejectsWith(p: Promise<unknown>, code: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof XoauthError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, re);
    return true;
  });
}

describe("resolveSettings precedence", () => {
  test("flags beat environment, environment beats the config file", async () => {
    const cfg = file(
      "p.yaml",
      `accounts:\n  a:\n    tenantId: ${T2}\n    clientId: ${C2}\n    secret: {env: CFG_SECRET}\n`,
    );
    const env = { AZURE_TENANT_ID: T1, AZURE_CLIENT_SECRET: "env-secret-value", CFG_SECRET: "cfg-secret-value" };
    const s = await resolveSettings({ config: cfg, clientId: C1 }, env, quiet);
    assert.equal(s.tenantId, T1, "env beats config");
    assert.equal(s.clientId, C1, "flag beats config");
    assert.deepEqual(s.credential, { kind: "secret", secret: "env-secret-value", source: "env" });
    const s2 = await resolveSettings(
      { config: cfg, tenantId: T2 },
      { AZURE_TENANT_ID: T1, CFG_SECRET: "cfg-secret-value" },
      quiet,
    );
    assert.equal(s2.tenantId, T2, "flag beats env");
    assert.equal(s2.clientId, C2);
    assert.deepEqual(s2.credential, { kind: "secret", secret: "cfg-secret-value", source: "config-env" });
  });

  test("without --config or XOAUTH_MAIL_CONFIG the file init writes ($XDG_CONFIG_HOME/xoauth-mail/config.yaml) is used", async () => {
    const xdg = join(dir, "xdg");
    mkdirSync(join(xdg, "xoauth-mail"), { recursive: true });
    writeFileSync(
      join(xdg, "xoauth-mail", "config.yaml"),
      `accounts:\n  main:\n    tenantId: ${T1}\n    clientId: ${C1}\n    mailbox: main@contoso.com\n    secret: {env: MAIN_SECRET}\n`,
      { mode: 0o600 },
    );
    const s = await resolveSettings({}, { XDG_CONFIG_HOME: xdg, MAIN_SECRET: "main-secret-value" }, quiet);
    assert.equal(s.configPath, join(xdg, "xoauth-mail", "config.yaml"));
    assert.equal(s.mailbox, "main@contoso.com");
    const none = await resolveSettings(
      { tenantId: T1, clientId: C1 },
      { XDG_CONFIG_HOME: join(dir, "empty-xdg"), AZURE_CLIENT_SECRET: "x-secret-value" },
      quiet,
    );
    assert.equal(none.configPath, undefined, "no file at the default path: no config");
  });

  test("XOAUTH_MAIL_CONFIG names the config file and defaults are merged under the account", async () => {
    const cfg = file(
      "d.yaml",
      `defaults:\n  tenantId: ${T1}\n  cloud: usgov\naccounts:\n  shop:\n    clientId: ${C1}\n    mailbox: shop@contoso.com\n    secret: {file: ${join(dir, "sec.txt")}}\n    servers:\n      pop3: {host: 127.0.0.1, port: 1995, tls: implicit}\n`,
    );
    file("sec.txt", "file-secret-value\n");
    const s = await resolveSettings({}, { XOAUTH_MAIL_CONFIG: cfg }, quiet);
    assert.equal(s.accountName, "shop");
    assert.equal(s.tenantId, T1);
    assert.equal(s.cloud.name, "usgov");
    assert.equal(s.authorityHost, "https://login.microsoftonline.us");
    assert.equal(s.scope, "https://outlook.office365.us/.default");
    assert.equal(s.mailbox, "shop@contoso.com");
    assert.deepEqual(s.servers.pop3, { host: "127.0.0.1", port: 1995, tls: "implicit" });
    assert.deepEqual(s.credential, { kind: "secret", secret: "file-secret-value", source: "config-file" });
    assert.equal(s.configPath, cfg);
  });

  test("--authority-host and --scope override the cloud; --no-cache and --target-mailbox are honoured", async () => {
    const s = await resolveSettings(
      {
        tenantId: T1,
        clientId: C1,
        clientSecret: "x-secret-value",
        cloud: "china",
        authorityHost: "https://127.0.0.1:8443/",
        scope: "api://x/.default",
        cache: false,
        targetMailbox: "a@b.c",
      },
      {},
      quiet,
    );
    assert.equal(s.authorityHost, "https://127.0.0.1:8443");
    assert.equal(s.scope, "api://x/.default");
    assert.equal(s.cloud.name, "china");
    assert.equal(s.noCache, true);
    assert.equal(s.mailbox, "a@b.c");
  });

  test("--protocol graph: the Graph scope of the cloud, unless --scope says otherwise", async () => {
    const base = { tenantId: T1, clientId: C1, clientSecret: "x-secret-value" };
    const g = await resolveSettings({ ...base, protocol: "graph", cloud: "usgov" }, {}, quiet);
    assert.equal(g.protocol, "graph");
    assert.equal(g.scope, "https://graph.microsoft.us/.default");
    assert.equal(g.graphUrl, "https://graph.microsoft.us/v1.0");
    assert.equal(scopeFor(g, "graph"), "https://graph.microsoft.us/.default");
    assert.equal(scopeFor(g, "imap"), "https://outlook.office365.us/.default");
    const x = await resolveSettings({ ...base, protocol: "graph", scope: "api://graph-sim/.default" }, {}, quiet);
    assert.equal(scopeFor(x, "graph"), "api://graph-sim/.default");
    assert.equal(scopeFor(x, "smtp"), "https://outlook.office365.com/.default", "--scope belongs to --protocol");
    const i = await resolveSettings({ ...base, protocol: "imap", scope: "api://x/.default" }, {}, quiet);
    assert.equal(scopeFor(i, "imap"), "api://x/.default");
    assert.equal(scopeFor(i, "graph"), "https://graph.microsoft.com/.default");
    const none = await resolveSettings(base, {}, quiet);
    assert.equal(none.scope, "https://outlook.office365.com/.default");
    assert.equal(none.graphUrl, "https://graph.microsoft.com/v1.0");
  });

  test("protocol: graph and graphUrl in the config file; --graph-url > XOAUTH_MAIL_GRAPH_URL > graphUrl", async () => {
    const cfg = file(
      "g.yaml",
      `accounts:\n  g:\n    tenantId: ${T1}\n    clientId: ${C1}\n    clientSecret: inline-secret\n    protocol: graph\n    graphUrl: https://127.0.0.1:9443/v1.0/\n`,
    );
    const s = await resolveSettings({ config: cfg }, {}, quiet);
    assert.equal(s.protocol, "graph");
    assert.equal(s.scope, "https://graph.microsoft.com/.default");
    assert.equal(s.graphUrl, "https://127.0.0.1:9443/v1.0");
    const e = await resolveSettings({ config: cfg }, { XOAUTH_MAIL_GRAPH_URL: "https://sim.example:8443" }, quiet);
    assert.equal(e.graphUrl, "https://sim.example:8443/v1.0", "a bare origin gets /v1.0");
    const f = await resolveSettings(
      { config: cfg, graphUrl: "https://sim.example/graph/beta" },
      { XOAUTH_MAIL_GRAPH_URL: "https://other.example" },
      quiet,
    );
    assert.equal(f.graphUrl, "https://sim.example/graph/beta");
  });

  test("--graph-url must be https without credentials, query or fragment; --protocol must be known", async () => {
    const base = { tenantId: T1, clientId: C1, clientSecret: "x-secret-value" };
    await rejectsWith(
      resolveSettings({ ...base, graphUrl: "http://127.0.0.1:9443/v1.0" }, {}, quiet),
      "USAGE",
      /https:\/\//,
    );
    await rejectsWith(resolveSettings({ ...base, graphUrl: "graph.microsoft.com" }, {}, quiet), "USAGE", /not a URL/);
    await rejectsWith(
      resolveSettings({ ...base, graphUrl: "https://u:p@graph.example/v1.0" }, {}, quiet),
      "USAGE",
      /credentials/,
    );
    await rejectsWith(
      resolveSettings({ ...base, graphUrl: "https://graph.example/v1.0?x=1" }, {}, quiet),
      "USAGE",
      /query/,
    );
    await rejectsWith(resolveSettings({ ...base, protocol: "ews" }, {}, quiet), "USAGE", /pop3, imap, smtp, graph/);
  });

  test("HTTPS_PROXY / https_proxy and NO_PROXY come from the environment, --proxy wins", async () => {
    const base = { tenantId: T1, clientId: C1, clientSecret: "x-secret-value" };
    const s = await resolveSettings(base, { https_proxy: "http://p1:3128", NO_PROXY: "localhost" }, quiet);
    assert.equal(s.proxy, "http://p1:3128");
    assert.equal(s.noProxy, "localhost");
    const s2 = await resolveSettings({ ...base, proxy: "http://p2:8080" }, { HTTPS_PROXY: "http://p1:3128" }, quiet);
    assert.equal(s2.proxy, "http://p2:8080");
  });

  test("--ca-file adds its certificates (extra CAs, system roots stay trusted)", async () => {
    const s = await resolveSettings(
      { tenantId: T1, clientId: C1, clientSecret: "x-secret-value", caFile: join(dir, "ca.pem") },
      {},
      quiet,
    );
    assert.equal(s.ca?.length, 1);
    assert.match(s.ca?.[0] ?? "", /BEGIN CERTIFICATE/);
    const none = await resolveSettings({ tenantId: T1, clientId: C1, clientSecret: "x-secret-value" }, {}, quiet);
    assert.equal(none.ca, undefined);
  });
});

describe("resolveSettings credentials", () => {
  test("--client-secret works but warns that the command line is visible", async () => {
    const warnings: string[] = [];
    const s = await resolveSettings(
      { tenantId: T1, clientId: C1, clientSecret: "cli-secret-value" },
      {},
      { warn: (m) => warnings.push(m) },
    );
    assert.equal(s.credential.kind, "secret");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /command line.*other users/);
    assert.ok(!(warnings[0] ?? "").includes("cli-secret-value"));
  });

  test("a certificate from AZURE_CLIENT_CERTIFICATE_PATH with its password", async () => {
    const s = await resolveSettings(
      { tenantId: T1, clientId: C1 },
      { AZURE_CLIENT_CERTIFICATE_PATH: certFile, AZURE_CLIENT_CERTIFICATE_PASSWORD: "pw-123456" },
      quiet,
    );
    assert.equal(s.credential.kind, "certificate");
    assert.equal(s.credential.kind === "certificate" && s.credential.password, "pw-123456");
  });

  test("two credentials on the command line are a usage error", async () => {
    await rejectsWith(
      resolveSettings({ tenantId: T1, clientId: C1, clientSecret: "a-secret-value", certificate: certFile }, {}, quiet),
      "USAGE",
      /only one credential/,
    );
  });

  test("an inline clientSecret in a 0600 config file is used without a warning", async () => {
    const body = `accounts:\n  a:\n    tenantId: ${T1}\n    clientId: ${C1}\n    clientSecret: inline-secret-value\n`;
    const closed = file("closed.yaml", body, 0o600);
    const warnings: string[] = [];
    const s = await resolveSettings({ config: closed }, {}, { warn: (m) => warnings.push(m) });
    assert.equal(s.credential.kind === "secret" && s.credential.source, "config-inline");
    assert.deepEqual(warnings, []);
  });

  test("no credential at all names every way to give one", async () => {
    await rejectsWith(
      resolveSettings({ tenantId: T1, clientId: C1 }, {}, quiet),
      "USAGE",
      /--client-secret-file.*AZURE_CLIENT_SECRET.*--certificate/,
    );
  });

  test("a secret reference to an unset variable says which variable", async () => {
    const cfg = file(
      "unset.yaml",
      `accounts:\n  a:\n    tenantId: ${T1}\n    clientId: ${C1}\n    secret: {env: NOPE_SECRET}\n`,
    );
    await rejectsWith(resolveSettings({ config: cfg }, {}, quiet), "CONFIG_INVALID", /NOPE_SECRET/);
  });
});

describe("resolveSettings validation", () => {
  test("a missing tenant ID names the flag, the variable and the config key", async () => {
    await rejectsWith(
      resolveSettings({ clientId: C1, clientSecret: "x-secret-value" }, {}, quiet),
      "USAGE",
      /--tenant-id.*AZURE_TENANT_ID.*tenantId/,
    );
  });

  test("a tenant that is neither GUID nor DNS name is TENANT_INVALID before any request", async () => {
    await rejectsWith(
      resolveSettings({ tenantId: "contoso", clientId: C1, clientSecret: "x-secret-value" }, {}, quiet),
      "TENANT_INVALID",
      /AADSTS900023/,
    );
  });

  test("/organizations is TENANT_INVALID with the fix to use the tenant ID", async () => {
    await assert.rejects(
      resolveSettings({ tenantId: "organizations", clientId: C1, clientSecret: "x-secret-value" }, {}, quiet),
      (e: XoauthError) => {
        assert.equal(e.code, "TENANT_INVALID");
        assert.match(e.fix.join(" "), /tenant ID/i);
        return true;
      },
    );
  });

  test("a domain name is a valid tenant", async () => {
    const s = await resolveSettings(
      { tenantId: "contoso.onmicrosoft.com", clientId: C1, clientSecret: "x-secret-value" },
      {},
      quiet,
    );
    assert.equal(s.tenantId, "contoso.onmicrosoft.com");
  });

  test("a client ID that is not a GUID is CONFIG_INVALID", async () => {
    await rejectsWith(
      resolveSettings({ tenantId: T1, clientId: "my-app", clientSecret: "x-secret-value" }, {}, quiet),
      "CONFIG_INVALID",
      /not a GUID/,
    );
  });

  test("an invalid config file names the offending key", async () => {
    const cfg = file("bad.yaml", `accounts:\n  a:\n    tenantId: ${T1}\n    servers:\n      pop3: {port: 99999}\n`);
    await rejectsWith(
      resolveSettings({ config: cfg }, {}, quiet),
      "CONFIG_INVALID",
      /accounts\.a\.servers\.pop3\.port/,
    );
  });

  test("an unknown --account lists the accounts there are", async () => {
    const cfg = file("acc.yaml", `accounts:\n  one: {tenantId: ${T1}}\n  two: {tenantId: ${T2}}\n`);
    await rejectsWith(
      resolveSettings({ config: cfg, account: "three" }, {}, quiet),
      "CONFIG_INVALID",
      /"three".*one, two/,
    );
  });

  test("--account without a config file is a usage error", async () => {
    await rejectsWith(resolveSettings({ account: "x" }, {}, quiet), "USAGE", /--account x needs a config file/);
  });

  test("fetch's account keys (maildir, folder) and the proxy section are part of the config", async () => {
    const cfg = file(
      "ext.yaml",
      `proxy:\n  listeners: []\naccounts:\n  a: {tenantId: ${T1}, clientId: ${C1}, clientSecret: x-secret-value, maildir: /tmp/m, folder: Archive}\n`,
    );
    const s = await resolveSettings({ config: cfg }, {}, quiet);
    assert.deepEqual(s.config?.proxy, { listeners: [] });
    assert.equal(s.account.maildir, "/tmp/m");
    assert.equal(s.account.folder, "Archive");
  });
});
