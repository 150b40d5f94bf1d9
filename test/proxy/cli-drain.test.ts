/**
 * Regression (issue 11, item 6): the BUILT `xoauth-mail proxy --drain-seconds 1` exits after SIGTERM even while one
 * login hangs upstream (the server never answers the XOAUTH2 response) and another waits for a token endpoint that
 * never answers. (Before, such sessions kept the process alive until SIGKILL.)
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import tls from "node:tls";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { type ProxyChild, startProxyWithConfig } from "../harness/proxy/cli-proxy.js";
import { type RawClient, rawConnect } from "../harness/proxy/raw-client.js";
import { LOCAL_PASSWORD, localHash, within } from "../harness/proxy/test-proxy.js";
import { type ScriptedUpstream, scriptedUpstream } from "../harness/servers/scripted-upstream.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
const SECRET = app.secrets[0]?.value as string;

describe("proxy CLI: SIGTERM with --drain-seconds 1 while logins hang", () => {
  let dir = "";
  let identity: IdentityFake;
  let upstream: ScriptedUpstream;
  let blackhole: tls.Server;
  const held: tls.TLSSocket[] = [];
  let proxy: ProxyChild;
  const clients: RawClient[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "xoauth-proxy-drain-"));
    const pki = createTestPki();
    const caFile = join(dir, "ca.pem");
    writeFileSync(caFile, pki.ca.certPem);
    identity = new IdentityFake({ pki, tenants: [tenant] });
    await identity.start();
    // Answers AUTH XOAUTH2 with "+ ", then never answers the XOAUTH2 response.
    upstream = await scriptedUpstream(pki, "+OK fake\r\n", (line) => (line === "AUTH XOAUTH2" ? "+ \r\n" : undefined));
    // A token endpoint that accepts TLS connections and never answers.
    const pem = pki.issueServerCert();
    blackhole = tls.createServer({ cert: pem.certPem, key: pem.keyPem }, (s) => {
      s.on("error", () => {});
      held.push(s);
    });
    await new Promise<void>((r) => blackhole.listen(0, "127.0.0.1", r));
    const account = (authorityHost: string) => ({
      tenantId: tenant.tenantId,
      clientId: app.clientId,
      secret: { env: "PROXY_TEST_SECRET" },
      authorityHost,
      caFile,
      mailbox: "shop@contoso.onmicrosoft.com",
    });
    const hash = await localHash();
    const config = {
      accounts: {
        slow: account(identity.url),
        hole: account(`https://127.0.0.1:${(blackhole.address() as AddressInfo).port}`),
      },
      proxy: {
        authFailureDelayMs: 10,
        listeners: [
          {
            name: "pop3",
            protocol: "pop3",
            listen: { port: 0 },
            upstream: { host: "127.0.0.1", port: upstream.port, tls: "implicit" },
          },
        ],
        users: [
          { username: "erp", passwordHash: hash, account: "slow" },
          { username: "hole", passwordHash: hash, account: "hole" },
        ],
      },
    };
    proxy = await startProxyWithConfig(dir, config, 1, {
      PROXY_TEST_SECRET: SECRET,
      XOAUTH_MAIL_CACHE_DIR: join(dir, "cache"),
    });
    await proxy.waitFor((r) => r.event === "listening");
  });

  after(async () => {
    for (const c of clients) c.destroy();
    proxy?.kill();
    for (const s of held) s.destroy();
    await new Promise<void>((r) => blackhole?.close(() => r()));
    await upstream?.close();
    await identity?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function login(user: string): Promise<RawClient> {
    const c = await rawConnect(proxy.port("pop3"));
    clients.push(c);
    await c.waitFor(/^\+OK/);
    c.send(`USER ${user}\r\nPASS ${LOCAL_PASSWORD}\r\n`);
    return c;
  }

  it("exits 0 within the drain window plus a margin; the hanging upstream login is closed", async () => {
    const stalled = await login("erp");
    const conn = await within(upstream.conn(1), 15_000, "upstream connection");
    await within(conn.seen(/^dXNlcj1/), 15_000, "XOAUTH2 response sent upstream");
    await login("hole");
    while (held.length === 0) await sleep(20); // the token request reached the silent endpoint

    proxy.child.kill("SIGTERM");
    const exit = await within(proxy.exited, 15_000, "proxy exit after SIGTERM with --drain-seconds 1");
    assert.deepEqual(exit, { code: 0, signal: null });
    await within(conn.closed, 5_000, "upstream socket closed");
    assert.match(await stalled.closed(), /-ERR \[SYS\/TEMP\] Server shutting down\.\r\n$/);
    assert.ok(proxy.records.some((r) => r.event === "stopped"));
    assert.deepEqual(proxy.nonJson, []);
  });
});
