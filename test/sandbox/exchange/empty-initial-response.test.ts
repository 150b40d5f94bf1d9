/**
 * The fake's three servers read the empty initial response `=` (SMTP RFC 4954 §4, IMAP SASL-IR RFC 4959 §3,
 * POP3 RFC 5034 §4) as "present and empty": an empty challenge follows and the next line is the XOAUTH2 response.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ExchangeFake, ExchangePorts } from "../../../src/sandbox/exchange/index.js";
import { MAILBOX, mintToken, RawClient, startFake, xoauth2 } from "../../harness/sandbox/exchange-fake.js";

let fake: ExchangeFake;
let ports: ExchangePorts;
before(async () => {
  ({ fake, ports } = await startFake());
});
after(() => fake.stop());

test("POP3: AUTH XOAUTH2 = gets `+ ` and logs in with the next line", async () => {
  const c = await RawClient.tls(ports.pop3s);
  await c.line();
  c.send("AUTH XOAUTH2 =");
  assert.equal(await c.line(), "+ ");
  c.send(xoauth2(MAILBOX, mintToken()));
  assert.equal(await c.line(), "+OK User successfully authenticated.");
  c.close();
});

test("IMAP: AUTHENTICATE XOAUTH2 = gets `+ ` and logs in with the next line", async () => {
  const c = await RawClient.tls(ports.imaps);
  await c.line();
  c.send("A1 AUTHENTICATE XOAUTH2 =");
  assert.equal(await c.line(), "+ ");
  c.send(xoauth2(MAILBOX, mintToken()));
  assert.equal(await c.line(), "A1 OK AUTHENTICATE completed.");
  c.close();
});

test("SMTP: AUTH XOAUTH2 = gets `334 ` and logs in with the next line", async () => {
  const c = await RawClient.plain(ports.smtp);
  await c.line();
  c.send("EHLO client.example");
  await c.until(/^250 /);
  c.send("STARTTLS");
  assert.match(await c.line(), /^220 /);
  await c.upgrade();
  c.send("EHLO client.example");
  await c.until(/^250 /);
  c.send("AUTH XOAUTH2 =");
  assert.equal(await c.line(), "334 ");
  c.send(xoauth2(MAILBOX, mintToken()));
  assert.match(await c.line(), /^235 2\.7\.0 /);
  c.close();
});
