/**
 * The Exchange fake ends an IMAP session when the token used at login expires, as Exchange Online does: the untagged
 * `* BYE Session invalidated - AccessTokenExpired`, then the connection closes. The timer belongs to the connection.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import type { ExchangeFake, ExchangePorts } from "../../../src/sandbox/exchange/index.js";
import { TOKEN_EXPIRED_BYE } from "../../../src/sandbox/exchange/index.js";
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
  fake.expiries.length = 0;
});

/** A raw session logged in with a token that expires `inSec` seconds from now. */
async function loggedIn(inSec: number): Promise<RawClient> {
  const c = await RawClient.tls(ports.imaps);
  clients.push(c);
  await c.line();
  const token = mintToken({ exp: Math.floor(Date.now() / 1000) + inSec });
  c.send(`A1 AUTHENTICATE XOAUTH2 ${xoauth2(MAILBOX, token)}`);
  assert.equal(await c.line(), "A1 OK AUTHENTICATE completed.");
  return c;
}

async function closed(c: RawClient): Promise<void> {
  for (let i = 0; i < 100 && !c.closed; i++) await new Promise((r) => setTimeout(r, 50));
}

describe("IMAP session and token expiry", () => {
  test("during IDLE: the BYE at the token's exp, then the connection closes", async () => {
    const c = await loggedIn(2);
    c.send("A2 SELECT INBOX");
    await c.until(/^A2 /);
    c.send("A3 IDLE");
    assert.match(await c.line(), /^\+ /);
    assert.equal(await c.line(10_000), TOKEN_EXPIRED_BYE);
    await closed(c);
    assert.equal(c.closed, true);
    assert.deepEqual(
      fake.expiries.map((e) => [e.user, e.during]),
      [[MAILBOX, "IDLE"]],
    );
  });

  test("between commands: the BYE comes unasked", async () => {
    const c = await loggedIn(1);
    assert.equal(await c.line(10_000), TOKEN_EXPIRED_BYE);
    await closed(c);
    assert.equal(c.closed, true);
    assert.equal(fake.expiries[0]?.during, "waiting");
  });

  test("expireAfterBodies: the BYE follows a complete FETCH response in the middle of the command", async () => {
    const c = await loggedIn(3600);
    c.send("A2 SELECT INBOX");
    await c.until(/^A2 /);
    fake.faults.expireAfterBodies = 1;
    c.send("A3 UID FETCH 1:* (UID BODY.PEEK[])");
    const lines = await c.until(/^\* BYE /);
    assert.equal(lines.at(-1), TOKEN_EXPIRED_BYE);
    assert.equal(lines.filter((l) => /^A3 /.test(l)).length, 0, "no tagged reply");
    assert.equal(lines.filter((l) => /^\* \d+ FETCH /.test(l)).length, 1);
    await closed(c);
    assert.equal(c.closed, true);
    assert.equal(fake.faults.expireAfterBodies, undefined);
    assert.equal(fake.expiries[0]?.during, "UID");
  });

  test("LOGOUT before the expiry: no BYE from the timer later", async () => {
    const c = await loggedIn(1);
    c.send("A2 LOGOUT");
    await c.until(/^A2 /);
    await closed(c);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(fake.expiries, []);
  });

  test("expireSessions() ends only the sessions answering the given command", async () => {
    const idle = await loggedIn(3600);
    const other = await loggedIn(3600);
    idle.send("A2 SELECT INBOX");
    await idle.until(/^A2 /);
    idle.send("A3 IDLE");
    await idle.line();
    assert.equal(fake.expireSessions("IDLE"), 1);
    assert.equal(await idle.line(), TOKEN_EXPIRED_BYE);
    other.send("A2 NOOP");
    assert.equal(await other.line(), "A2 OK NOOP completed.");
  });
});
