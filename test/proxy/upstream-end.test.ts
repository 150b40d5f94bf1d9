/**
 * Issue 11, item 8 (proxy half): the mail server ends a proxied session. Exchange sends
 * `* BYE Session invalidated - AccessTokenExpired` when the IMAP login token expires; POP3 and SMTP servers may close
 * mid-session. The client gets the server's closing line (or the proxy's own), the connection is closed, the log says
 * why, and a new login gets a fresh token.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AccessToken, TokenProvider } from "../../src/auth/types.js";
import { LIMITS } from "../../src/limits.js";
import type { ResolvedListener } from "../../src/proxy/config.js";
import type { ProxyLogRecord } from "../../src/proxy/log.js";
import { type ProxyServer, startProxy } from "../../src/proxy/server.js";
import { createUpstreamLogin } from "../../src/proxy/upstream/index.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { type RawClient, rawConnect } from "../harness/proxy/raw-client.js";
import {
  countingTokens,
  imapProbeReply,
  LOCAL_PASSWORD,
  LOCAL_USER,
  localHash,
  testListener,
  waitForLog,
} from "../harness/proxy/test-proxy.js";
import { type ScriptedUpstream, scriptedUpstream } from "../harness/servers/scripted-upstream.js";

/** What the upstream IMAP fakes announce before login: the proxy's upstream login requires AUTH=XOAUTH2. */
const IMAP_CAPS = "IMAP4rev1 AUTH=XOAUTH2 SASL-IR";
const TOKEN_EXPIRED_BYE = "* BYE Session invalidated - AccessTokenExpired\r\n";
const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("the mail server ends a proxied session", () => {
  let pki: TestPki;
  let imap: ScriptedUpstream;
  let pop3: ScriptedUpstream;
  let smtp: ScriptedUpstream;
  let proxy: ProxyServer;
  const logs: ProxyLogRecord[] = [];
  const tokens = countingTokens(async () => "tok.en");
  const clients: RawClient[] = [];

  before(async () => {
    pki = createTestPki();
    imap = await scriptedUpstream(pki, `* OK [CAPABILITY ${IMAP_CAPS}] fake IMAP\r\n`, (line, conn) => {
      const auth = /^(\S+) AUTHENTICATE XOAUTH2 /.exec(line);
      if (auth) return `${auth[1]} OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n`;
      const probe = imapProbeReply(line);
      if (probe) return probe;
      if (line === "a2 NOOP") conn.socket.end(TOKEN_EXPIRED_BYE);
      else if (line === "a3 LOGOUT") conn.socket.end("* BYE Logging out\r\na3 OK LOGOUT completed\r\n");
      else return "* OK untagged\r\n";
      return undefined;
    });
    pop3 = await scriptedUpstream(pki, "+OK fake POP3\r\n", (line, conn) => {
      if (line === "AUTH XOAUTH2") return "+ \r\n";
      if (line.startsWith("dXNlcj1")) return "+OK logged in\r\n";
      if (line === "STAT") conn.socket.destroy();
      else if (line === "QUIT") conn.socket.end("+OK bye\r\n");
      return undefined;
    });
    smtp = await scriptedUpstream(pki, "220 fake ESMTP\r\n", (line, conn) => {
      if (line.startsWith("EHLO")) return "250-fake\r\n250 AUTH XOAUTH2\r\n";
      if (line === "AUTH XOAUTH2") return "334 \r\n";
      if (line.startsWith("dXNlcj1")) return "235 2.7.0 Authentication successful\r\n";
      if (line.startsWith("MAIL FROM")) conn.socket.end("421 4.4.2 fake Connection timed out\r\n");
      return undefined;
    });
    proxy = await startTo(
      [
        testListener("imap", "imap", 5, up(imap.port)),
        testListener("pop3", "pop3", 5, up(pop3.port)),
        testListener("smtp", "smtp", 5, up(smtp.port)),
      ],
      logs,
    );
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await proxy.close(100);
    await Promise.all([imap.close(), pop3.close(), smtp.close()]);
  });

  const up = (port: number) => ({ host: "127.0.0.1", port, tls: "implicit" as const });
  /** The proxy in front of the scripted upstreams, with real upstream logins (test CA). */
  async function startTo(
    listeners: ResolvedListener[],
    into: ProxyLogRecord[],
    extra: { idleTimeoutMs?: number } = {},
  ): Promise<ProxyServer> {
    return startProxy({
      listeners,
      users: [
        {
          username: LOCAL_USER,
          passwordHash: await localHash(),
          account: { name: "main", mailbox: "m@x.test", tokens },
        },
      ],
      upstream: createUpstreamLogin({ ca: [pki.ca.certPem] }),
      logger: (r) => into.push(r),
      authFailureDelayMs: 0,
      closeGraceMs: 200,
      ...extra,
    });
  }
  const port = (name: string): number => proxy.listeners.find((l) => l.name === name)?.port ?? 0;
  async function loggedIn(name: string): Promise<{ c: RawClient; session: string }> {
    const c = await rawConnect(port(name));
    clients.push(c);
    if (name === "imap") {
      await c.waitFor(/^\* OK/);
      c.send(`a1 LOGIN ${LOCAL_USER} "${LOCAL_PASSWORD.replace(/["\\]/g, "\\$&")}"\r\n`);
      await c.waitFor(/a1 OK .*\r\n/);
    } else if (name === "pop3") {
      await c.waitFor(/^\+OK/);
      c.send(`USER ${LOCAL_USER}\r\nPASS ${LOCAL_PASSWORD}\r\n`);
      await c.waitFor(/\+OK logged in\r\n/);
    } else {
      await c.waitFor(/^220 /);
      c.send(`EHLO client.test\r\nAUTH PLAIN ${b64(`\0${LOCAL_USER}\0${LOCAL_PASSWORD}`)}\r\n`);
      await c.waitFor(/235 2\.7\.0 .*\r\n/);
    }
    const rec = await waitForLog(logs, (r) => r.event === "login" && r.outcome === "ok" && !seen.has(r.session ?? ""));
    seen.add(rec.session ?? "");
    return { c, session: rec.session ?? "" };
  }
  const seen = new Set<string>();
  const closeOf = (session: string) => waitForLog(logs, (r) => r.event === "close" && r.session === session);

  it("IMAP: Exchange's AccessTokenExpired BYE reaches the client, the connection closes, the log says TOKEN_EXPIRED", async () => {
    const calls = tokens.calls;
    const { c, session } = await loggedIn("imap");
    c.send("a2 NOOP\r\n");
    const got = await c.closed();
    assert.ok(got.endsWith(TOKEN_EXPIRED_BYE), got);
    assert.equal(got.split("* BYE").length - 1, 1, "no second BYE from the proxy");
    const rec = await closeOf(session);
    assert.equal(rec.outcome, "upstream-closed");
    assert.equal(rec.code, "TOKEN_EXPIRED");
    assert.match(rec.message ?? "", /AccessTokenExpired/);

    // The client logs in again: a new session, a new token request.
    const again = await loggedIn("imap");
    assert.equal(tokens.calls, calls + 2);
    again.c.send("a3 LOGOUT\r\n");
    assert.match(await again.c.closed(), /a3 OK LOGOUT completed\r\n$/);
    assert.equal((await closeOf(again.session)).outcome, "ok", "a LOGOUT is a normal end");
  });

  it("POP3: the server drops the connection mid-session -> -ERR [SYS/TEMP] to the client, CONNECTION_CLOSED in the log", async () => {
    const { c, session } = await loggedIn("pop3");
    c.send("STAT\r\n");
    assert.match(await c.closed(), /\r\n-ERR \[SYS\/TEMP\] The mail server closed the connection\.\r\n$/);
    const rec = await closeOf(session);
    assert.equal(rec.outcome, "upstream-closed");
    assert.equal(rec.code, "CONNECTION_CLOSED");

    const q = await loggedIn("pop3");
    q.c.send("QUIT\r\n");
    assert.match(await q.c.closed(), /\+OK logged in\r\n\+OK bye\r\n$/);
    assert.equal((await closeOf(q.session)).outcome, "ok");
  });

  it("SMTP: the server's 421 reaches the client once, then the connection closes", async () => {
    const { c, session } = await loggedIn("smtp");
    c.send("MAIL FROM:<shop@contoso.com>\r\n");
    const got = await c.closed();
    assert.ok(got.endsWith("235 2.7.0 Authentication successful.\r\n421 4.4.2 fake Connection timed out\r\n"), got);
    const rec = await closeOf(session);
    assert.equal(rec.outcome, "upstream-closed");
    assert.equal(rec.code, "CONNECTION_CLOSED");
    assert.match(rec.message ?? "", /421 4\.4\.2 fake Connection timed out/);
  });

  it("IMAP idle timeout after login: * BYE from the proxy, outcome idle-timeout", async () => {
    const idleLogs: ProxyLogRecord[] = [];
    const idle = await startTo([testListener("imap", "imap", 5, up(imap.port))], idleLogs, { idleTimeoutMs: 300 });
    try {
      const c = await rawConnect(idle.listeners[0]?.port ?? 0);
      clients.push(c);
      await c.waitFor(/^\* OK/);
      c.send(`a1 AUTHENTICATE PLAIN ${b64(`\0${LOCAL_USER}\0${LOCAL_PASSWORD}`)}\r\n`);
      await c.waitFor(/a1 OK .*\r\n/);
      assert.match(await c.closed(), /a1 OK .*\r\n\* BYE Disconnected for inactivity\.\r\n$/);
      await waitForLog(idleLogs, (r) => r.event === "close" && r.outcome === "idle-timeout" && r.code === "TIMEOUT");
    } finally {
      await idle.close(100);
    }
  });

  it("shutdown while an IMAP session is piped: the client gets * BYE at the end of the drain window", async () => {
    const { c, session } = await loggedIn("imap");
    await proxy.close(0);
    assert.match(await c.closed(), /\* BYE Server shutting down\.\r\n$/);
    assert.equal((await closeOf(session)).outcome, "shutdown");
  });
});

describe("an IMAP login takes a token that lasts", () => {
  it("asks for a new token when the cached one expires within LIMITS.proxyMinImapTokenLifetimeMs", async () => {
    const pki = createTestPki();
    const imap = await scriptedUpstream(pki, `* OK [CAPABILITY ${IMAP_CAPS}] fake\r\n`, (line) => {
      const probe = imapProbeReply(line);
      if (probe) return probe;
      const tag = /^(\S+) (AUTHENTICATE|CAPABILITY)\b/.exec(line);
      if (tag?.[2] === "CAPABILITY") return `* CAPABILITY IMAP4rev1 IDLE\r\n${tag[1]} OK done\r\n`;
      return tag ? `${tag[1]} OK Logged in\r\n` : undefined;
    });
    const asked: boolean[] = [];
    const tokens: TokenProvider = {
      async getToken(o): Promise<AccessToken> {
        asked.push(o?.forceRefresh === true);
        const life = o?.forceRefresh ? 3600_000 : LIMITS.proxyMinImapTokenLifetimeMs - 60_000;
        return { token: "tok.en", expiresOn: new Date(Date.now() + life), fromCache: !o?.forceRefresh };
      },
    };
    const up = createUpstreamLogin({ ca: [pki.ca.certPem] });
    const account = { name: "a", mailbox: "m@x.test", tokens };
    const target = { host: "127.0.0.1", port: imap.port, tls: "implicit" as const };
    const s = await up.login({ protocol: "imap", target, account });
    s.socket.destroy();
    assert.deepEqual(asked, [false, true]);

    // A token the endpoint has just issued is not refreshed again, even when it is short-lived.
    asked.length = 0;
    const fresh: TokenProvider = {
      async getToken(o): Promise<AccessToken> {
        asked.push(o?.forceRefresh === true);
        return { token: "tok.en", expiresOn: new Date(Date.now() + 60_000), fromCache: false };
      },
    };
    const s2 = await up.login({ protocol: "imap", target, account: { ...account, tokens: fresh } });
    s2.socket.destroy();
    assert.deepEqual(asked, [false]);
    await imap.close();
  });
});
