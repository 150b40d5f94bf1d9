/** `xoauth-mail proxy` (built CLI) refuses a bad `proxy:` section at start: exit 2, CONFIG_INVALID, the field named. */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { hashPassword } from "../../src/proxy/password.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { runCli } from "../harness/cli.js";

describe("proxy command: config validation at start", () => {
  let dir = "";
  let hash = "";
  let n = 0;
  const files: Record<string, string> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "xoauth-proxy-cfg-"));
    hash = await hashPassword("local-password-1", { N: 1024, r: 8, p: 1 });
    const pki = createTestPki();
    const a = pki.issueServerCert();
    const b = pki.issueServerCert();
    const pems = { cert: a.certPem, key: a.keyPem, otherKey: b.keyPem, readableKey: a.keyPem };
    for (const [name, text] of Object.entries(pems)) {
      files[name] = join(dir, `${name}.pem`);
      writeFileSync(files[name] as string, text, { mode: 0o600 });
    }
    chmodSync(files.readableKey as string, 0o644);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const account = {
    tenantId: "contoso.onmicrosoft.com",
    clientId: "00000000-0000-0000-0000-000000000001",
    secret: { env: "PROXY_TEST_SECRET" },
    mailbox: "shop@contoso.com",
  };
  const listener = (extra: Record<string, unknown> = {}) => ({
    name: "pop3",
    protocol: "pop3",
    listen: { port: 0 },
    ...extra,
  });

  async function start(proxy: unknown, accounts: Record<string, unknown> = { shop: account }, mode = 0o600) {
    const file = join(dir, `c${++n}.yaml`);
    writeFileSync(file, stringify({ accounts, ...(proxy === undefined ? {} : { proxy }) }), { mode });
    chmodSync(file, mode); // whatever the umask
    const r = await runCli(["proxy", "--config", file, "--log-format", "json"], {
      env: { PROXY_TEST_SECRET: "not-a-real-secret-value", XOAUTH_MAIL_CACHE_DIR: join(dir, "cache") },
      timeoutMs: 10_000,
    });
    return { ...r, all: r.stdout + r.stderr };
  }
  const users = (acc = "shop") => [{ username: "erp", passwordHash: hash, account: acc }];

  const refused = (r: { code: number; all: string }, re: RegExp) => {
    assert.equal(r.code, 2, r.all);
    assert.match(r.all, re);
    assert.ok(!r.all.includes("not-a-real-secret-value"), "the secret is not echoed");
  };

  it("a non-loopback listener without local TLS is refused", async () => {
    const r = await start({ listeners: [listener({ listen: { host: "0.0.0.0", port: 0 } })], users: users() });
    refused(r, /proxy\.listeners\.pop3: listening on 0\.0\.0\.0 without local TLS/);
  });

  it("a user pointing at an unknown account is refused, naming the defined ones", async () => {
    const r = await start({ listeners: [listener()], users: users("nope") });
    refused(r, /proxy\.users\.erp: account "nope" is not defined under accounts \(defined: shop\)/);
  });

  it("missing cert file is refused before listening, naming the listener's field", async () => {
    const r = await start({
      listeners: [listener({ localTls: "implicit", cert: join(dir, "absent.pem"), key: files.key })],
      users: users(),
    });
    refused(r, /proxy\.listeners\.pop3\.cert/);
    assert.doesNotMatch(r.all, /"event":"listening"/);
  });

  it("localTls without cert and key is refused", async () => {
    const r = await start({ listeners: [listener({ localTls: "starttls" })], users: users() });
    refused(r, /proxy\.listeners\.pop3: localTls starttls needs cert and key files/);
  });

  it("a key that does not belong to the certificate is refused", async () => {
    const r = await start({
      listeners: [listener({ localTls: "implicit", cert: files.cert, key: files.otherKey })],
      users: users(),
    });
    refused(r, /proxy\.listeners\.pop3: the cert .* and key .* are not a usable PEM certificate/);
  });

  it("schema errors name the listener by its name; unknown keys are refused", async () => {
    const r = await start({ listeners: [listener({ protocol: "pop4", tls: "yes" })], users: users() });
    refused(r, /proxy\.listeners\[0\] \(pop3\)\.protocol/);
    assert.match(r.all, /tls/);
  });

  it("an invalid password hash names the user", async () => {
    const r = await start({
      listeners: [listener()],
      users: [{ username: "erp", passwordHash: "plain", account: "shop" }],
    });
    refused(r, /proxy\.users\.erp\.passwordHash: Invalid password hash/);
  });

  it("a config without a proxy section says so", async () => {
    refused(await start(undefined), /no proxy: section/);
  });

  it("without --config it reads the default config file, as every other command does", async () => {
    const xdg = join(dir, "xdg");
    mkdirSync(join(xdg, "xoauth-mail"), { recursive: true });
    const proxy = { listeners: [listener({ listen: { host: "0.0.0.0", port: 0 } })], users: users() };
    writeFileSync(join(xdg, "xoauth-mail", "config.yaml"), stringify({ accounts: { shop: account }, proxy }), {
      mode: 0o600,
    });
    const r = await runCli(["proxy", "--log-format", "json"], {
      env: { XDG_CONFIG_HOME: xdg, PROXY_TEST_SECRET: "not-a-real-secret-value" },
      timeoutMs: 10_000,
    });
    // the default file's (deliberately invalid) listener is what is refused: the file was read
    refused(
      { code: r.code, all: r.stdout + r.stderr },
      /proxy\.listeners\.pop3: listening on 0\.0\.0\.0 without local TLS/,
    );
  });

  it("without --config and without a default file it says where it looked", async () => {
    const xdg = join(dir, "empty-xdg");
    const r = await runCli(["proxy"], { env: { XDG_CONFIG_HOME: xdg }, timeoutMs: 10_000 });
    refused({ code: r.code, all: r.stdout + r.stderr }, /XOAUTH_MAIL_CONFIG/);
    assert.ok((r.stdout + r.stderr).includes(join(xdg, "xoauth-mail", "config.yaml")), r.stdout + r.stderr);
  });

  it("a config that group or others can read (it holds password hashes) starts with a warning", async () => {
    const r = await start(
      { listeners: [listener({ listen: { host: "0.0.0.0", port: 0 } })], users: users() },
      undefined,
      0o644,
    );
    assert.match(r.all, /"level":"warn","event":"config".*can be read by group or others \(mode 0644\).*chmod 600/);
    refused(r, /listening on 0\.0\.0\.0 without local TLS/); // a warning only: the config's own error follows
    const quiet = await start({ listeners: [listener({ listen: { host: "0.0.0.0", port: 0 } })], users: users() });
    assert.doesNotMatch(quiet.all, /"event":"config"/);
  });

  it("a listener's private key file that others can read is refused", async () => {
    const r = await start({
      listeners: [listener({ localTls: "implicit", cert: files.cert, key: files.readableKey })],
      users: users(),
    });
    refused(r, /proxy\.listeners\.pop3\.key.*\(mode 0644\)/);
    assert.doesNotMatch(r.all, /"event":"listening"/);
  });

  it("a port already in use is named with its listener and what to do (exit 2), not as a config value error", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = await start({ listeners: [listener({ name: "smtp-in", listen: { port } })], users: users() });
      refused(r, new RegExp(`Listener "smtp-in" cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
      assert.match(r.all, /proxy\.listeners\.smtp-in\.listen\.port/);
    } finally {
      busy.close();
    }
  });
});
