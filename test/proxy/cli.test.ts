/**
 * The BUILT `xoauth-mail proxy --config F --log-format json` as a child process: a real YAML config (accounts on the
 * identity fake, hashes from `proxy hash-password`), real Dovecot upstream validating the fake's tokens, Python's
 * poplib/imaplib/smtplib as legacy clients, the Exchange fake for a diagnosed upstream refusal, garbage on a raw
 * socket, one shared token for two accounts on the same app, and a SIGTERM drain.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { ExchangeFake, sandboxDirectory } from "../../src/sandbox/exchange/index.js";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { type Dovecot, describeDovecot, startDovecot } from "../harness/dovecot/dovecot.js";
import { hashWithCli, type ProxyChild, portClosed, startProxyWithConfig } from "../harness/proxy/cli-proxy.js";
import { IMAP_CLIENT, POP3_CLIENT, SMTP_CLIENT } from "../harness/proxy/py-clients.js";
import { rawConnect } from "../harness/proxy/raw-client.js";
import { runPython, trickyMessage } from "../harness/proxy/test-proxy.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
const SECRET = app.secrets[0]?.value as string;
const MB = "shop@contoso.onmicrosoft.com";
const MB2 = "billing@contoso.onmicrosoft.com";
const MB_NO_FULLACCESS = "nofull@contoso.onmicrosoft.com";
const AUD = "https://outlook.office365.com";
const USERS = { erp: "erp-password-1", accounting: "acc ounting-2", exo: "exo-password-3" };

describeDovecot("xoauth-mail proxy (built CLI) with a YAML config, real Dovecot and the Exchange fake", () => {
  let dir = "";
  let identity: IdentityFake;
  let dovecot: Dovecot;
  let exchange: ExchangeFake;
  let proxy: ProxyChild;
  let caFile = "";
  const message = trickyMessage("through the proxy command");

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "xoauth-proxy-cli-"));
    const pki = createTestPki();
    caFile = join(dir, "ca.pem");
    writeFileSync(caFile, pki.ca.certPem);
    identity = new IdentityFake({ pki, tenants: [tenant] });
    await identity.start();
    dovecot = await startDovecot({
      pki,
      issuer: identity.issuerFor(tenant.tenantId),
      audience: AUD,
      keys: [{ kid: identity.signingKey.kid, publicKeyPem: identity.signingKey.publicKeyPem }],
      mailboxes: [MB, MB2],
    });
    await dovecot.deliver(MB, message);
    await dovecot.deliver(MB2, message);
    const directory = sandboxDirectory(tenant);
    directory.addMailbox({ address: MB_NO_FULLACCESS }); // exists, POP enabled, but the app has no FullAccess
    exchange = new ExchangeFake({ directory, pki, identity: { publicKeyPem: identity.signingKey.publicKeyPem } });
    const exo = await exchange.start();

    const account = (mailbox: string) => ({
      tenantId: tenant.tenantId,
      clientId: app.clientId,
      secret: { env: "PROXY_TEST_SECRET" },
      authorityHost: identity.url,
      caFile,
      mailbox,
    });
    const up = (port: number, tls: "implicit" | "starttls") => ({ host: "127.0.0.1", port, tls });
    const config = {
      accounts: { shop: account(MB), billing: account(MB2), exo: account(MB_NO_FULLACCESS) },
      proxy: {
        authFailureDelayMs: 10,
        listeners: [
          { name: "pop3", protocol: "pop3", listen: { port: 0 }, upstream: up(dovecot.ports.pop3s, "implicit") },
          { name: "imap", protocol: "imap", listen: { port: 0 }, upstream: up(dovecot.ports.imaps, "implicit") },
          { name: "smtp", protocol: "smtp", listen: { port: 0 }, upstream: up(dovecot.ports.submission, "starttls") },
          { name: "exo-pop3", protocol: "pop3", listen: { port: 0 }, upstream: up(exo.pop3s, "implicit") },
        ],
        users: await Promise.all(
          (["erp", "accounting", "exo"] as const).map(async (username) => ({
            username,
            passwordHash: await hashWithCli(USERS[username]),
            account: { erp: "shop", accounting: "billing", exo: "exo" }[username],
          })),
        ),
      },
    };
    proxy = await startProxyWithConfig(dir, config, 15, {
      PROXY_TEST_SECRET: SECRET,
      XOAUTH_MAIL_CACHE_DIR: join(dir, "cache"),
    });
    for (const l of ["pop3", "imap", "smtp", "exo-pop3"]) {
      await proxy.waitFor((r) => r.event === "listening" && r.listener === l);
    }
  });

  after(async () => {
    proxy?.kill();
    await exchange?.stop();
    await dovecot?.stop();
    await identity?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const client = (user: keyof typeof USERS, listener: string) => ({
    host: "127.0.0.1",
    port: proxy.port(listener),
    user,
    password: USERS[user],
    ca: caFile,
    tls: "none",
  });
  const py = async (script: string, args: Record<string, unknown>) => {
    const r = await runPython(script, args);
    try {
      return JSON.parse(r.stdout) as Record<string, any>;
    } catch {
      throw new Error(`python: ${r.stdout}${r.stderr}\n${proxy.stderr().slice(-3000)}`);
    }
  };

  it("poplib USER/PASS: byte-exact RETR through the proxy command", async () => {
    const o = await py(POP3_CLIENT, { ...client("erp", "pop3"), auth: "user", retr: true });
    assert.equal(o.ok, true, JSON.stringify(o) + proxy.stderr().slice(-2000));
    assert.equal(o.count, 1);
    assert.equal(Buffer.from(o.body, "hex").toString("hex"), message.toString("hex"));
  });

  it("imaplib LOGIN (second account on the same app): byte-exact FETCH, and only one token request in total", async () => {
    const o = await py(IMAP_CLIENT, { ...client("accounting", "imap"), auth: "login", fetch: true });
    assert.equal(o.ok, true, JSON.stringify(o) + proxy.stderr().slice(-2000));
    assert.equal(Buffer.from(o.body, "hex").equals(message), true);
    const logins = proxy.records.filter((r) => r.event === "login" && r.outcome === "ok");
    assert.deepEqual(new Set(logins.map((r) => r.account)), new Set(["shop", "billing"]));
    assert.equal(identity.tokenRequests, 1, "accounts sharing an app share one token provider");
  });

  it("smtplib AUTH PLAIN: the message reaches Dovecot's relay byte-exact", async () => {
    const n = dovecot.sink.messages.length;
    const msg = trickyMessage("smtp through the proxy command");
    const o = await py(SMTP_CLIENT, {
      ...client("erp", "smtp"),
      auth: "plain",
      from: MB,
      to: "bob@example.net",
      msg: msg.toString("hex"),
    });
    assert.equal(o.ok, true, JSON.stringify(o) + proxy.stderr().slice(-2000));
    const got = dovecot.sink.messages[n];
    assert.ok(got, "the relay received the message");
    assert.deepEqual(got.to, ["bob@example.net"]);
    assert.ok(got.raw.subarray(got.raw.length - msg.length).equals(msg), "body unchanged");
  });

  it("Exchange fake, app without FullAccess: POP3 -ERR to the client, MAILBOX_ACCESS_DENIED in the log", async () => {
    const o = await py(POP3_CLIENT, { ...client("exo", "exo-pop3"), auth: "user" });
    assert.equal(o.ok, false);
    assert.match(o.error, /-ERR \[AUTH\] Authentication failed/);
    const rec = await proxy.waitFor((r) => r.event === "login" && r.user === "exo");
    assert.equal(rec.outcome, "upstream-fail");
    assert.equal(rec.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(rec.account, "exo");
    assert.ok(exchange.log.length > 0, "the Exchange fake saw the XOAUTH2 login");
  });

  it("garbage on a raw socket is answered or cut off; a normal client still works afterwards", async () => {
    const raw = await rawConnect(proxy.port("pop3"));
    await raw.waitFor(/^\+OK/);
    raw.send(Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a]));
    raw.send("AUTH PLAIN !!!notbase64!!!\r\nPASS nope\r\nUSER\r\n");
    raw.send(`${"A".repeat(40_000)}\r\n`); // longer than maxSaslLineBytes
    const all = await raw.closed();
    assert.match(all, /-ERR/);
    const imapRaw = await rawConnect(proxy.port("imap"));
    await imapRaw.waitFor(/^\* OK/);
    imapRaw.send("a1 LOGIN {99999999}\r\n)(\r\n\r\n");
    assert.match(await imapRaw.waitFor(/a1 (NO|BAD)|BYE/), /a1 (NO|BAD)|BYE/);
    imapRaw.destroy();
    const o = await py(POP3_CLIENT, { ...client("erp", "pop3"), auth: "plain", retr: true });
    assert.equal(o.ok, true, JSON.stringify(o));
    assert.equal(Buffer.from(o.body, "hex").equals(message), true);
  });

  it("SIGTERM drains an open session, refuses new ones, exits 0 and closes every port", async () => {
    const ports = ["pop3", "imap", "smtp", "exo-pop3"].map((l) => proxy.port(l));
    const c = await rawConnect(proxy.port("pop3"));
    await c.waitFor(/^\+OK/);
    c.send(`USER erp\r\nPASS ${USERS.erp}\r\n`);
    await c.waitFor(/^(\+OK[^\r]*\r\n){3}/); // greeting, USER, PASS (the upstream's success line)
    proxy.child.kill("SIGTERM");
    await proxy.waitFor((r) => r.event === "stopping");
    assert.equal(await portClosed(ports[0] as number), true, "no new connections while draining");
    assert.equal(proxy.child.exitCode, null, "still running while a session is open");
    c.send("STAT\r\n");
    await c.waitFor(/\+OK 1 \d+\r\n/);
    c.send("QUIT\r\n");
    await c.closed();
    const exit = await proxy.exited;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(proxy.records.some((r) => r.event === "stopped"));
    for (const p of ports) assert.equal(await portClosed(p), true, `port ${p} closed`);

    // The whole log: JSON only, the fields the issue asks for, no password or token anywhere.
    assert.deepEqual(proxy.nonJson, []);
    const closes = proxy.records.filter((r) => r.event === "close" && r.outcome === "ok");
    assert.ok(closes.length >= 4, JSON.stringify(closes));
    for (const r of closes) {
      assert.equal(typeof r.session, "string");
      assert.equal(typeof r.account, "string");
      assert.match(String(r.protocol), /^(pop3|imap|smtp)$/);
      assert.ok((r.bytesUp ?? -1) > 0 && (r.bytesDown ?? -1) > 0, JSON.stringify(r));
    }
    const log = proxy.stderr();
    for (const pw of Object.values(USERS)) assert.ok(!log.includes(pw), "no local password in the log");
    assert.ok(!log.includes(SECRET), "no client secret in the log");
    assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}/.test(log), "no JWT in the log");
    assert.ok(!log.includes(Buffer.from("user=").toString("base64").slice(0, 6)), "no XOAUTH2 string in the log");
  });
});
