import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { ExchangeFake, ExchangePorts } from "../../../src/sandbox/exchange/index.js";
import {
  APP_ID,
  APP_OBJECT_ID,
  MAILBOX,
  mintToken,
  RawClient,
  SP_OID,
  startFake,
  TENANT,
  xoauth2,
} from "../../harness/sandbox/exchange-fake.js";

let fake: ExchangeFake;
let ports: ExchangePorts;
const clients: RawClient[] = [];
const HOST = "AM0PR01MB1234.eurprd01.prod.outlook.com";
const POP_FAIL = "-ERR Authentication failure: unknown user name or bad password.";
const SMTP_FAIL = `535 5.7.3 Authentication unsuccessful [${HOST}]`;

before(async () => {
  ({ fake, ports } = await startFake());
});
after(() => fake.stop());
beforeEach(async () => {
  await fake.stop();
  ({ fake, ports } = await startFake());
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function pop(token: string, user = MAILBOX): Promise<string> {
  const c = await RawClient.tls(ports.pop3s);
  clients.push(c);
  await c.line();
  c.send("AUTH XOAUTH2");
  await c.line();
  c.send(xoauth2(user, token));
  return c.line();
}

/** AUTHENTICATE with SASL-IR, then LIST; returns both tagged replies. */
async function imap(token: string, user = MAILBOX): Promise<[string, string]> {
  const c = await RawClient.tls(ports.imaps);
  clients.push(c);
  await c.line();
  c.send(`A1 AUTHENTICATE XOAUTH2 ${xoauth2(user, token)}`);
  const auth = (await c.until(/^A1 /)).at(-1) as string;
  c.send('A2 LIST "" "*"');
  const list = (await c.until(/^A2 /)).at(-1) as string;
  return [auth, list];
}

async function smtpAuth(token: string, user = MAILBOX): Promise<{ c: RawClient; reply: string }> {
  const c = await RawClient.plain(ports.smtp);
  clients.push(c);
  await c.line();
  c.send("EHLO client.example");
  const ehlo1 = await c.until(/^250 /);
  assert.ok(!ehlo1.some((l) => l.includes("AUTH")), "AUTH is not offered before STARTTLS");
  c.send("STARTTLS");
  assert.match(await c.line(), /^220 /);
  await c.upgrade();
  c.send("EHLO client.example");
  const ehlo2 = await c.until(/^250 /);
  assert.ok(ehlo2.includes("250-AUTH LOGIN XOAUTH2"), ehlo2.join("|"));
  c.send("AUTH XOAUTH2");
  assert.equal(await c.line(), "334 ");
  c.send(xoauth2(user, token));
  return { c, reply: await c.line() };
}

describe("authorization model: each misconfiguration gives Exchange's generic texts", () => {
  test("correct setup succeeds on all three protocols", async () => {
    assert.equal(await pop(mintToken()), "+OK User successfully authenticated.");
    assert.deepEqual(await imap(mintToken()), ["A1 OK AUTHENTICATE completed.", "A2 OK LIST completed."]);
    assert.equal((await smtpAuth(mintToken())).reply, "235 2.7.0 Authentication successful");
  });

  test("role missing from the token (no admin consent)", async () => {
    assert.equal(await pop(mintToken({ roles: ["IMAP.AccessAsApp"] })), POP_FAIL);
    assert.equal(fake.log.at(-1)?.reason, "role_missing");
    assert.deepEqual(await imap(mintToken({ roles: undefined })), [
      "A1 NO AUTHENTICATE failed.",
      "A2 BAD Command received in Invalid state.",
    ]);
    assert.equal((await smtpAuth(mintToken({ roles: ["POP.AccessAsApp"] }))).reply, SMTP_FAIL);
  });

  test("service principal not registered in Exchange", async () => {
    fake.directory.servicePrincipals.splice(0);
    assert.equal(await pop(mintToken()), POP_FAIL);
    assert.equal(fake.log.at(-1)?.reason, "sp_not_registered");
    assert.equal((await imap(mintToken()))[0], "A1 NO AUTHENTICATE failed.");
    assert.equal((await smtpAuth(mintToken())).reply, SMTP_FAIL);
  });

  test("service principal registered with the App Registration's object id", async () => {
    fake.directory.servicePrincipals.splice(0);
    fake.directory.registerServicePrincipal({ appId: APP_ID, objectId: APP_OBJECT_ID });
    fake.directory.grantFullAccess(APP_OBJECT_ID, MAILBOX);
    assert.equal(await pop(mintToken()), POP_FAIL);
    assert.equal(fake.log.at(-1)?.reason, "sp_not_registered");
    assert.match(fake.log.at(-1)?.detail ?? "", new RegExp(APP_OBJECT_ID));
    assert.equal((await imap(mintToken()))[0], "A1 NO AUTHENTICATE failed.");
  });

  test("no FullAccess: POP fails at AUTH, IMAP authenticates but is not connected", async () => {
    fake.directory.revokeFullAccess(SP_OID, MAILBOX);
    assert.equal(await pop(mintToken()), POP_FAIL);
    assert.equal(fake.log.at(-1)?.reason, "no_mailbox_permission");
    assert.deepEqual(await imap(mintToken()), [
      "A1 OK AUTHENTICATE completed.",
      "A2 BAD User is authenticated but not connected.",
    ]);
  });

  test("POP disabled / IMAP disabled on the mailbox", async () => {
    const mb = fake.directory.findMailbox(MAILBOX);
    assert.ok(mb);
    mb.popEnabled = false;
    mb.imapEnabled = false;
    assert.equal(await pop(mintToken()), POP_FAIL);
    assert.equal(fake.log.at(-1)?.reason, "protocol_disabled");
    assert.deepEqual(await imap(mintToken()), [
      "A1 OK AUTHENTICATE completed.",
      "A2 BAD User is authenticated but not connected.",
    ]);
  });

  test("notConnectedAfterAuth toggle affects a correctly set up mailbox", async () => {
    fake.directory.toggles.notConnectedAfterAuth = true;
    assert.equal((await imap(mintToken()))[1], "A2 BAD User is authenticated but not connected.");
  });

  test("mailbox that does not exist fails at AUTH", async () => {
    assert.equal(await pop(mintToken(), "nobody@contoso.onmicrosoft.com"), POP_FAIL);
    assert.equal(fake.log.at(-1)?.reason, "mailbox_not_found");
    assert.equal((await imap(mintToken(), "nobody@contoso.onmicrosoft.com"))[0], "A1 NO AUTHENTICATE failed.");
  });

  test("SMTP AUTH disabled tenant-wide: 5.7.139", async () => {
    fake.directory.tenant.smtpClientAuthenticationDisabled = true;
    const { reply } = await smtpAuth(mintToken());
    assert.equal(
      reply,
      `535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [${HOST}]`,
    );
  });

  test("SendAs denied: the message is rejected with 554 5.2.252", async () => {
    fake.directory.addMailbox({ address: "ceo@contoso.onmicrosoft.com" });
    const { c, reply } = await smtpAuth(mintToken());
    assert.equal(reply, "235 2.7.0 Authentication successful");
    c.send("MAIL FROM:<ceo@contoso.onmicrosoft.com>");
    assert.match(await c.line(), /^250 /);
    c.send("RCPT TO:<someone@fabrikam.example>");
    assert.match(await c.line(), /^250 /);
    c.send("DATA");
    assert.match(await c.line(), /^354 /);
    c.send("Subject: hi\r\n\r\nbody\r\n.");
    const r = await c.line();
    assert.ok(
      r.startsWith(
        `554 5.2.252 SendAsDenied; ${MAILBOX} not allowed to send as ceo@contoso.onmicrosoft.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [`,
      ),
      r,
    );
    assert.equal(fake.sent.length, 0);
  });

  test("expired token, wrong audience, foreign signing key, unknown tenant, delegated token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [Record<string, unknown>, string][] = [
      [{ exp: now - 3600, nbf: now - 7200, iat: now - 7200 }, "expired"],
      [{ aud: "https://graph.microsoft.com" }, "wrong_audience"],
      [{ iss: "https://sts.windows.net/00000000-0000-0000-0000-000000000001/" }, "unknown_issuer"],
      [{ idtyp: "user" }, "not_app_token"],
    ];
    for (const [over, reason] of cases) {
      assert.equal(await pop(mintToken(over)), POP_FAIL);
      assert.equal(fake.log.at(-1)?.reason, reason);
      assert.equal((await imap(mintToken(over)))[0], "A1 NO AUTHENTICATE failed.");
      assert.equal((await smtpAuth(mintToken(over))).reply, SMTP_FAIL);
    }
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    assert.equal(await pop(mintToken({}, other)), POP_FAIL);
    assert.equal(fake.log.at(-1)?.reason, "bad_signature");
    assert.equal(fake.log.at(-1)?.appid, undefined, "claims of an unverified token are not trusted");
    assert.ok(!JSON.stringify(fake.log).includes("eyJ"), "the auth log never holds a token");
    assert.equal(TENANT.length, 36);
  });
});
