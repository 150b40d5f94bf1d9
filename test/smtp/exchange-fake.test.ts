import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ExchangeFake, ExchangePorts } from "../../src/sandbox/exchange/index.js";
import { classifySmtpReply, mapSmtpError, sendMail, smtpLoginCheck } from "../../src/smtp/index.js";
import { rejects } from "../harness/rejects.js";
import { fixtures, MAILBOX, mintToken, startFake } from "../harness/sandbox/exchange-fake.js";

describe("SMTP reply classification (Exchange Online texts)", () => {
  it("tells 5.7.139, 5.7.3, SendAs denials and other replies apart", () => {
    const host = "[AM0PR01MB1234.eurprd01.prod.outlook.com]";
    assert.equal(
      classifySmtpReply(
        `535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. ${host}`,
        "AUTH XOAUTH2",
      ),
      "SMTP_AUTH_DISABLED",
    );
    assert.equal(
      classifySmtpReply(`535 5.7.3 Authentication unsuccessful ${host}`, "AUTH XOAUTH2"),
      "MAILBOX_ACCESS_DENIED",
    );
    assert.equal(classifySmtpReply("535 5.7.8 Authentication failed.", "AUTH XOAUTH2"), "MAILBOX_ACCESS_DENIED");
    assert.equal(classifySmtpReply("554 5.2.252 SendAsDenied; a not allowed to send as b", "DATA"), "SEND_AS_DENIED");
    assert.equal(
      classifySmtpReply("550 5.7.60 SMTP; Client does not have permissions to send as this sender", "MAIL FROM"),
      "SEND_AS_DENIED",
    );
    assert.equal(
      classifySmtpReply("504 5.5.4 Unrecognized authentication type", "AUTH XOAUTH2"),
      "XOAUTH2_NOT_OFFERED",
    );
    assert.equal(classifySmtpReply("550 5.1.1 User unknown", "RCPT TO"), undefined);
    assert.equal(classifySmtpReply("500 5.5.2 Line too long", "AUTH XOAUTH2"), undefined);
  });

  it("keeps the server reply and maps socket errors through the network mapper", () => {
    const e = mapSmtpError(
      Object.assign(new Error("Invalid login"), { code: "EAUTH", response: "535 5.7.3 Authentication unsuccessful" }),
      { host: "h", port: 587, user: "u@x", command: "AUTH XOAUTH2" },
    );
    assert.equal(e.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(e.details.serverReply, "535 5.7.3 Authentication unsuccessful");
    const n = mapSmtpError(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ESOCKET", originalCode: "ECONNREFUSED" }),
      {
        host: "h",
        port: 587,
        user: "u@x",
        command: "connect",
      },
    );
    assert.equal(n.code, "MAIL_SERVER_UNREACHABLE");
  });
});

describe("SMTP client against the Exchange fake", () => {
  let fake: ExchangeFake;
  let ports: ExchangePorts;
  const opts = (token: string, user = MAILBOX) => ({
    host: "127.0.0.1",
    port: ports.smtp,
    tls: "starttls" as const,
    ca: fixtures().pki.ca.certPem,
    user,
    token,
  });
  before(async () => {
    ({ fake, ports } = await startFake());
  });
  after(async () => {
    await fake?.stop();
  });

  it("logs in and sends when the service principal has SendAs", async () => {
    const r = await sendMail(opts(mintToken()), { from: MAILBOX, to: ["someone@fabrikam.com"], text: "hi" });
    assert.match(r.response, /^250 /);
    assert.equal(fake.sent.length, 1);
  });

  it("maps 535 5.7.139 (SMTP AUTH disabled for the tenant) to SMTP_AUTH_DISABLED", async () => {
    fake.directory.tenant.smtpClientAuthenticationDisabled = true;
    try {
      const err = await rejects(smtpLoginCheck(opts(mintToken())));
      assert.equal(err.code, "SMTP_AUTH_DISABLED");
      assert.match(err.details.serverReply ?? "", /^535 5\.7\.139 /);
    } finally {
      fake.directory.tenant.smtpClientAuthenticationDisabled = false;
    }
  });

  it("maps 5.2.252 SendAsDenied on a foreign From to SEND_AS_DENIED", async () => {
    const err = await rejects(
      sendMail(opts(mintToken()), { from: "ceo@contoso.onmicrosoft.com", to: ["x@fabrikam.com"], text: "x" }),
    );
    assert.equal(err.code, "SEND_AS_DENIED");
    assert.match(err.details.serverReply ?? "", /5\.2\.252 SendAsDenied/);
  });

  it("maps 535 5.7.3 for a token without SMTP.SendAsApp to MAILBOX_ACCESS_DENIED", async () => {
    const err = await rejects(smtpLoginCheck(opts(mintToken({ roles: ["POP.AccessAsApp"] }))));
    assert.equal(err.code, "MAILBOX_ACCESS_DENIED");
    assert.match(err.details.serverReply ?? "", /^535 5\.7\.3 Authentication unsuccessful/);
  });
});
