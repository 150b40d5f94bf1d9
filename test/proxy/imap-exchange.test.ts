/**
 * IMAP through the proxy to the sandbox's Exchange fake: a login to a mailbox the app has no FullAccess on (Exchange
 * accepts XOAUTH2, then answers `BAD User is authenticated but not connected.`) is refused at the client's login with
 * `NO [AUTHORIZATIONFAILED]` and logged MAILBOX_NOT_CONNECTED; after a good login CAPABILITY hides XOAUTH2 and SASL-IR.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ExchangeFake, ExchangePorts } from "../../src/sandbox/exchange/index.js";
import { rawConnect } from "../harness/proxy/raw-client.js";
import { countingTokens, LOCAL_USER, startTestProxy, type TestProxy, waitForLog } from "../harness/proxy/test-proxy.js";
import { fixtures, MAILBOX, mintToken, SP_OID, startFake } from "../harness/sandbox/exchange-fake.js";

/** LOCAL_PASSWORD as an IMAP quoted string. */
const QUOTED_PASSWORD = '"pa ss\\"w\\\\ord-1"';

describe("proxy IMAP against the Exchange fake", () => {
  let fake: ExchangeFake;
  let ports: ExchangePorts;
  let proxy: TestProxy;

  before(async () => {
    ({ fake, ports } = await startFake());
    proxy = await startTestProxy({
      listeners: [
        { name: "imap", protocol: "imap", upstream: { host: "127.0.0.1", port: ports.imaps, tls: "implicit" } },
      ],
      tokens: countingTokens(async () => mintToken()),
      mailbox: MAILBOX,
      ca: fixtures().pki.ca.certPem,
    });
  });
  after(async () => {
    await proxy?.close();
    await fake?.stop();
  });

  it("no FullAccess: the client's LOGIN gets NO [AUTHORIZATIONFAILED], the log says MAILBOX_NOT_CONNECTED", async () => {
    fake.directory.revokeFullAccess(SP_OID, MAILBOX);
    try {
      const c = await rawConnect(proxy.port("imap"));
      await c.waitFor(/^\* OK/);
      c.send(`a1 LOGIN ${LOCAL_USER} ${QUOTED_PASSWORD}\r\n`);
      const got = await c.waitFor(/^a1 /m);
      assert.match(got, /^a1 NO \[AUTHORIZATIONFAILED\] /m);
      c.destroy();
      const rec = await waitForLog(proxy.logs, (r) => r.event === "login");
      assert.equal(rec.outcome, "upstream-fail");
      assert.equal(rec.code, "MAILBOX_NOT_CONNECTED");
      assert.equal(
        proxy.logs.some((r) => r.event === "login" && r.outcome === "ok"),
        false,
      );
    } finally {
      fake.directory.grantFullAccess(SP_OID, MAILBOX);
    }
  });

  it("with FullAccess the login is OK and the session is fresh (the probe left no mailbox selected)", async () => {
    const c = await rawConnect(proxy.port("imap"));
    await c.waitFor(/^\* OK/);
    c.send(`a1 LOGIN ${LOCAL_USER} ${QUOTED_PASSWORD}\r\n`);
    assert.match(await c.waitFor(/^a1 /m), /^a1 OK /m);
    c.send("a2 FETCH 1 FLAGS\r\n");
    assert.match(await c.waitFor(/^a2 /m), /^a2 BAD /m, "not in the selected state");
    c.send("a3 SELECT INBOX\r\n");
    assert.match(await c.waitFor(/^a3 /m), /^a3 OK /m);
    c.send("a4 LOGOUT\r\n");
    await c.closed();
  });

  it("after login, CAPABILITY (untagged and the OK's response code) hides AUTH=XOAUTH2 and SASL-IR", async () => {
    const c = await rawConnect(proxy.port("imap"));
    await c.waitFor(/^\* OK/);
    c.send(`a1 LOGIN ${LOCAL_USER} ${QUOTED_PASSWORD}\r\n`);
    const login = await c.waitFor(/^a1 /m);
    assert.match(login, /^a1 OK /m);
    c.send("a2 CAPABILITY\r\n");
    const got = (await c.waitFor(/^a2 /m)).slice(login.length);
    assert.match(got, /^\* CAPABILITY IMAP4 IMAP4rev1 /m, "the server's list, passed on");
    assert.doesNotMatch(got, /AUTH=|SASL-IR|STARTTLS/i);
    c.send("a3 LOGOUT\r\n");
    await c.closed();
  });
});
