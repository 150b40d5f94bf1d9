import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import type { ExchangeFake, ExchangePorts } from "../../../src/sandbox/exchange/index.js";
import { POP3_TEXT } from "../../../src/sandbox/exchange/index.js";
import { MAILBOX, mintToken, RawClient, startFake, xoauth2 } from "../../harness/sandbox/exchange-fake.js";

let fake: ExchangeFake;
let ports: ExchangePorts;
const clients: RawClient[] = [];

before(async () => {
  ({ fake, ports } = await startFake());
});
after(() => fake.stop());
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function open(): Promise<RawClient> {
  const c = await RawClient.tls(ports.pop3s);
  clients.push(c);
  return c;
}

async function login(c: RawClient, token = mintToken()): Promise<string> {
  await c.line();
  c.send("AUTH XOAUTH2");
  assert.equal(await c.line(), "+ ");
  c.send(xoauth2(MAILBOX, token));
  return c.line();
}

describe("POP3 fake speaks like Exchange Online", () => {
  test("greeting and CAPA over implicit TLS: no PIPELINING, no STLS", async () => {
    const c = await open();
    assert.match(await c.line(), /^\+OK The Microsoft Exchange POP3 service is ready\. \[[A-Za-z0-9+/=]+\]$/);
    c.send("CAPA");
    assert.deepEqual(await c.until(/^\.$/), ["+OK", "TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER", "."]);
  });

  test("plain port offers STLS, refuses AUTH before TLS, and works after STLS", async () => {
    const c = await RawClient.plain(ports.pop3);
    clients.push(c);
    await c.line();
    c.send("CAPA");
    assert.deepEqual(await c.until(/^\.$/), ["+OK", "TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER", "STLS", "."]);
    c.send("AUTH XOAUTH2");
    assert.equal(await c.line(), POP3_TEXT.badState);
    c.send("STLS");
    assert.equal(await c.line(), "+OK Begin TLS negotiation.");
    await c.upgrade();
    c.send("CAPA");
    assert.deepEqual(await c.until(/^\.$/), ["+OK", "TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER", "."]);
    c.send("AUTH XOAUTH2");
    assert.equal(await c.line(), "+ ");
    c.send(xoauth2(MAILBOX, mintToken()));
    assert.equal(await c.line(), "+OK User successfully authenticated.");
  });

  test("two-step XOAUTH2 succeeds; STAT, LIST, UIDL, TOP, RETR with dot-stuffing", async () => {
    const c = await open();
    assert.equal(await login(c), "+OK User successfully authenticated.");
    c.send("STAT");
    const stat = await c.line();
    assert.match(stat, /^\+OK 3 \d+$/);
    c.send("LIST");
    const list = await c.until(/^\.$/);
    assert.equal(list.length, 5);
    assert.match(list[1] ?? "", /^1 \d+$/);
    c.send("UIDL");
    const uidl = await c.until(/^\.$/);
    assert.match(uidl[2] ?? "", /^2 \S+$/);
    c.send("RETR 2");
    const retr = await c.until(/^\.$/);
    assert.match(retr[0] ?? "", /^\+OK \d+ octets$/);
    assert.ok(retr.includes("..leading dot line"), "line starting with a dot is dot-stuffed");
    c.send("TOP 2 1");
    const top = await c.until(/^\.$/);
    assert.equal(top.at(-2), "Please find the numbers below.");
    c.send("RETR 9");
    assert.equal(await c.line(), "-ERR The specified message is out of range.");
  });

  test("DELE takes effect only at QUIT; RSET undoes it", async () => {
    const c = await open();
    await login(c);
    c.send("DELE 1");
    assert.equal(await c.line(), "+OK Message 1 deleted.");
    c.send("RSET");
    assert.equal(await c.line(), "+OK");
    c.send("DELE 3");
    await c.line();
    c.send("STAT");
    assert.match(await c.line(), /^\+OK 2 /);
    assert.equal(fake.directory.findMailbox(MAILBOX)?.folders.get("INBOX")?.length, 3);
    c.send("QUIT");
    assert.equal(await c.line(), "+OK Microsoft Exchange Server POP3 server signing off.");
    await c.rest();
    assert.equal(fake.directory.findMailbox(MAILBOX)?.folders.get("INBOX")?.length, 2);
    fake.addMessage(MAILBOX, Buffer.from("Subject: refill\r\n\r\nx\r\n"));
  });

  test("one-line AUTH XOAUTH2 <b64> is rejected with Exchange's text", async () => {
    const c = await open();
    await c.line();
    c.send(`AUTH XOAUTH2 ${xoauth2(MAILBOX, mintToken())}`);
    assert.equal(await c.line(), "-ERR Authentication failure: unknown user name or bad password.");
    assert.equal(fake.log.at(-1)?.reason, "one_line_auth");
  });

  test("USER/PASS (basic auth) fails with Exchange's text", async () => {
    const c = await open();
    await c.line();
    c.send(`USER ${MAILBOX}`);
    assert.equal(await c.line(), "+OK");
    c.send("PASS secret");
    assert.equal(await c.line(), POP3_TEXT.authFail);
  });

  test("dropAfterBytes cuts the connection in the middle of RETR", async () => {
    const c = await open();
    await login(c);
    fake.faults.dropAfterBytes = 10;
    try {
      c.send("RETR 1");
      const rest = await c.rest();
      assert.match(rest, /^\+OK \d+ octets\r\n/);
      assert.equal(rest.replace(/^\+OK \d+ octets\r\n/, "").length, 10);
    } finally {
      fake.faults.dropAfterBytes = undefined;
    }
  });

  test("failAuthTimes makes the next login fail, then recovers", async () => {
    fake.faults.failAuthTimes = 1;
    const c1 = await open();
    assert.equal(await login(c1), POP3_TEXT.authFail);
    const c2 = await open();
    assert.equal(await login(c2), "+OK User successfully authenticated.");
  });

  test("transaction commands before login answer the invalid-state error", async () => {
    const c = await open();
    await c.line();
    c.send("STAT");
    assert.equal(await c.line(), "-ERR Command is not valid in this state.");
  });
});
