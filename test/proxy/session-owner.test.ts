/**
 * Regression (issue 11, item 6): every session has an owner that ends it. A client that leaves while the upstream
 * login is in progress cancels it (the upstream socket is closed, the connection slot freed); at the end of the drain
 * window sessions end (IMAP clients get `* BYE`) and close() returns even with a login hanging upstream.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { AccessToken } from "../../src/auth/types.js";
import type { ResolvedListener } from "../../src/proxy/config.js";
import type { ProxyLogRecord } from "../../src/proxy/log.js";
import { type ProxyServer, startProxy } from "../../src/proxy/server.js";
import { createUpstreamLogin } from "../../src/proxy/upstream/index.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { type RawClient, rawConnect } from "../harness/proxy/raw-client.js";
import {
  countingTokens,
  LOCAL_PASSWORD,
  LOCAL_USER,
  localHash,
  waitForLog,
  within,
} from "../harness/proxy/test-proxy.js";
import { type ScriptedUpstream, scriptedUpstream } from "../harness/servers/scripted-upstream.js";

const SLOW_TOKEN_USER = "slow-token";

describe("session ownership", () => {
  let pki: TestPki;
  let upstream: ScriptedUpstream;
  let proxy: ProxyServer;
  const logs: ProxyLogRecord[] = [];
  const clients: RawClient[] = [];
  let tokenWaits = 0;
  const hangingTokens = {
    getToken(): Promise<AccessToken> {
      tokenWaits++;
      return new Promise<AccessToken>(() => {});
    },
  };

  /** Connection 1 stalls the XOAUTH2 reply, later ones log in; IMAP and POP3 on the same fake. */
  before(async () => {
    pki = createTestPki();
    upstream = await scriptedUpstream(pki, "+OK fake\r\n", (line, conn) => {
      if (line === "AUTH XOAUTH2") return "+ \r\n";
      if (line.startsWith("dXNlcj1")) return conn.n === 1 ? undefined : "+OK logged in upstream\r\n";
      if (line === "QUIT") return "+OK bye\r\n";
      return "-ERR unknown\r\n";
    });
  });
  after(() => upstream.close());
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy?.close(100);
    logs.length = 0;
  });

  async function start(protocol: ResolvedListener["protocol"], maxConnections = 1): Promise<number> {
    const tokens = countingTokens(async () => "tok.en");
    proxy = await startProxy({
      listeners: [
        {
          name: "l",
          protocol,
          listen: { host: "127.0.0.1", port: 0 },
          localTls: "none",
          maxConnections,
          upstream: { host: "127.0.0.1", port: upstream.port, tls: "implicit" },
        },
      ],
      users: [
        {
          username: LOCAL_USER,
          passwordHash: await localHash(),
          account: { name: "main", mailbox: "m@x.test", tokens },
        },
        {
          username: SLOW_TOKEN_USER,
          passwordHash: await localHash(),
          account: { name: "slow", mailbox: "m@x.test", tokens: hangingTokens },
        },
      ],
      upstream: createUpstreamLogin({ ca: [pki.ca.certPem] }),
      logger: (r) => logs.push(r),
      authFailureDelayMs: 0,
      closeGraceMs: 200,
    });
    return proxy.listeners[0]?.port ?? 0;
  }

  async function client(port: number, greeting: RegExp): Promise<RawClient> {
    const c = await rawConnect(port);
    clients.push(c);
    await c.waitFor(greeting);
    return c;
  }

  it("a client that leaves while the XOAUTH2 reply is pending: upstream closed, slot freed for the next client", async () => {
    const port = await start("pop3");
    const first = await client(port, /^\+OK xoauth-mail/);
    first.send(`USER ${LOCAL_USER}\r\nPASS ${LOCAL_PASSWORD}\r\n`);
    const conn = await within(upstream.conn(upstream.conns.length + 1), 10_000, "upstream connection");
    await within(conn.seen(/^dXNlcj1/), 10_000, "XOAUTH2 response upstream");
    first.destroy();
    await within(conn.closed, 20_000, "the upstream socket of the abandoned login is closed");
    await waitForLog(logs, (r) => r.event === "login" && r.outcome === "cancelled");
    const closed = await waitForLog(logs, (r) => r.event === "close");
    assert.equal(closed.outcome, "client-closed");
    assert.equal(closed.code, undefined);

    const next = await client(port, /^\+OK xoauth-mail/);
    next.send(`USER ${LOCAL_USER}\r\nPASS ${LOCAL_PASSWORD}\r\n`);
    await next.waitFor(/\+OK logged in upstream\r\n/);
  });

  it("a client that leaves while the token is awaited: the upstream socket is closed too", async () => {
    const port = await start("pop3");
    const c = await client(port, /^\+OK xoauth-mail/);
    const before = tokenWaits;
    const n = upstream.conns.length + 1;
    c.send(`USER ${SLOW_TOKEN_USER}\r\nPASS ${LOCAL_PASSWORD}\r\n`);
    const conn = await within(upstream.conn(n), 10_000, "upstream connection");
    while (tokenWaits === before) await sleep(10);
    c.destroy();
    await within(conn.closed, 20_000, "the upstream socket is closed");
    assert.equal((await waitForLog(logs, (r) => r.event === "close")).outcome, "client-closed");
  });

  it("many open sessions share the shutdown signal without a listener-leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on("warning", onWarning);
    try {
      const port = await start("imap", 20);
      for (let i = 0; i < 15; i++) await client(port, /^\* OK xoauth-mail/);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings, []);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("end of the drain window: a login hanging upstream is cancelled and close() returns; IMAP clients get * BYE", async () => {
    const imapPort = await start("imap");
    const idle = await client(imapPort, /^\* OK xoauth-mail/);
    await within(proxy.close(50), 20_000, "close() with an IMAP client in the login phase");
    assert.match(await idle.closed(), /\* BYE Server shutting down\.\r\n$/);

    const pop3Port = await start("pop3");
    const c = await client(pop3Port, /^\+OK xoauth-mail/);
    const n = upstream.conns.length + 1;
    c.send(`USER ${SLOW_TOKEN_USER}\r\nPASS ${LOCAL_PASSWORD}\r\n`);
    const conn = await within(upstream.conn(n), 10_000, "upstream connection");
    await within(proxy.close(50), 20_000, "close() with a login waiting for its token");
    await within(conn.closed, 20_000, "the upstream socket is closed");
    assert.match(await c.closed(), /-ERR \[SYS\/TEMP\] Server shutting down\.\r\n$/);
    assert.ok(logs.some((r) => r.event === "close" && r.outcome === "shutdown"));
  });
});
