/**
 * Memory of the proxy (issue #14, item 4), checked structurally (no RSS, no timing): after many sessions through
 * POP3, IMAP and SMTP listeners against the sandbox's Exchange fake, the server holds nothing per finished session
 * (client sockets, running sessions, listeners on its shutdown signal), and every upstream TLS connection used the
 * one shared context for the CA list (src/net/trust.ts) instead of building one per connection (~140 parsed roots,
 * ~0.6 MB of OpenSSL memory each, freed only at a rare major GC).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import tls from "node:tls";
import type { ExchangeFake, ExchangePorts } from "../../src/sandbox/exchange/index.js";
import { rawConnect } from "../harness/proxy/raw-client.js";
import {
  countingTokens,
  LOCAL_PASSWORD,
  LOCAL_USER,
  startTestProxy,
  type TestProxy,
} from "../harness/proxy/test-proxy.js";
import { fixtures, MAILBOX, mintToken, startFake } from "../harness/sandbox/exchange-fake.js";

/** Sessions per listener, and how many run at once. */
const SESSIONS = 24;
const AT_ONCE = 8;
const QUOTED_PASSWORD = `"${LOCAL_PASSWORD.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

async function pop3Session(port: number): Promise<void> {
  const c = await rawConnect(port);
  await c.waitFor(/^\+OK/);
  c.send(`USER ${LOCAL_USER}\r\n`);
  await c.waitFor(/\+OK[^\r]*\r\n\+OK/);
  c.send(`PASS ${LOCAL_PASSWORD}\r\nSTAT\r\nRETR 1\r\n`);
  await c.waitFor(/\r\n\.\r\n/);
  c.send("QUIT\r\n");
  await c.closed();
}

async function imapSession(port: number): Promise<void> {
  const c = await rawConnect(port);
  await c.waitFor(/^\* OK/);
  c.send(`a1 LOGIN ${LOCAL_USER} ${QUOTED_PASSWORD}\r\n`);
  assert.match(await c.waitFor(/^a1 /m), /^a1 OK /m);
  c.send("a2 SELECT INBOX\r\na3 FETCH 1 (BODY.PEEK[])\r\n");
  assert.match(await c.waitFor(/^a3 /m), /^a3 OK /m);
  c.send("a4 LOGOUT\r\n");
  await c.closed();
}

async function smtpSession(port: number): Promise<void> {
  const c = await rawConnect(port);
  await c.waitFor(/^220 /m);
  c.send("EHLO scanner.local\r\n");
  await c.waitFor(/^250 /m);
  c.send(`AUTH PLAIN ${Buffer.from(`\0${LOCAL_USER}\0${LOCAL_PASSWORD}`).toString("base64")}\r\n`);
  assert.match(await c.waitFor(/^235 /m), /^235 /m);
  c.send(`MAIL FROM:<${MAILBOX}>\r\nRCPT TO:<erp@fabrikam.example>\r\nDATA\r\n`);
  await c.waitFor(/^354 /m);
  c.send("Subject: scan\r\n\r\npage 1\r\n.\r\nQUIT\r\n");
  assert.match(await c.closed(), /^221 /m);
}

/** `n` sessions, `atOnce` at a time. */
async function run(n: number, atOnce: number, session: () => Promise<void>): Promise<void> {
  for (let done = 0; done < n; done += atOnce) await Promise.all(Array.from({ length: atOnce }, session));
}

describe("proxy memory: nothing kept per finished session", () => {
  let fake: ExchangeFake;
  let ports: ExchangePorts;
  let proxy: TestProxy;
  const created = { contexts: 0 };
  const original = tls.createSecureContext;

  before(async () => {
    ({ fake, ports } = await startFake());
    fake.addMessage(MAILBOX, Buffer.from("Subject: one\r\n\r\nbody\r\n"));
    proxy = await startTestProxy({
      listeners: [
        { name: "pop3", protocol: "pop3", upstream: { host: "127.0.0.1", port: ports.pop3s, tls: "implicit" } },
        { name: "imap", protocol: "imap", upstream: { host: "127.0.0.1", port: ports.imaps, tls: "implicit" } },
        { name: "smtp", protocol: "smtp", upstream: { host: "127.0.0.1", port: ports.smtp, tls: "starttls" } },
      ],
      tokens: countingTokens(async () => mintToken()),
      mailbox: MAILBOX,
      ca: fixtures().pki.ca.certPem,
    });
    // Counts every context made from here on, also the ones tls.connect makes itself for a `ca` option.
    tls.createSecureContext = (...args) => {
      created.contexts++;
      return original(...args);
    };
  });
  after(async () => {
    tls.createSecureContext = original;
    await proxy?.close();
    await fake?.stop();
  });

  for (const [name, session] of [
    ["pop3", pop3Session],
    ["imap", imapSession],
    ["smtp", smtpSession],
  ] as const) {
    it(`${SESSIONS} ${name} sessions (${AT_ONCE} at once): afterwards no socket, session or shutdown listener is left`, async () => {
      const before = proxy.logs.filter((r) => r.event === "close").length;
      await run(SESSIONS, AT_ONCE, () => session(proxy.port(name)));
      // The client saw the end of each session; the server's side finishes right after: wait for it (bounded).
      for (let i = 0; i < 250 && proxy.server.registries().sessions > 0; i++) await sleep(20);
      assert.deepEqual(proxy.server.registries(), { sockets: 0, sessions: 0, shutdownListeners: 0 });
      const closes = proxy.logs.filter((r) => r.event === "close").slice(before);
      assert.equal(closes.length, SESSIONS);
      assert.deepEqual(
        closes.filter((r) => r.outcome !== "ok"),
        [],
      );
    });
  }

  it("every upstream TLS connection shared one context for the CA list (at most one was made)", () => {
    // 3 x SESSIONS TLS connections (POP3S, IMAPS, SMTP STARTTLS) and their token requests ran above.
    assert.ok(created.contexts <= 1, `${created.contexts} TLS contexts made for ${3 * SESSIONS} upstream connections`);
  });
});
