import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import nodemailer from "nodemailer";
import type SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import type { ExchangeFake, ExchangePorts } from "../../../src/sandbox/exchange/index.js";
import { fixtures, MAILBOX, mintToken, startFake, xoauth2 } from "../../harness/sandbox/exchange-fake.js";

let fake: ExchangeFake;
let ports: ExchangePorts;

before(async () => {
  ({ fake, ports } = await startFake());
});
after(() => fake.stop());

/** nodemailer with the two-step XOAUTH2 exchange (`AUTH XOAUTH2`, `334 `, base64) as a custom auth handler. */
function transport(token: string) {
  return nodemailer.createTransport({
    host: "127.0.0.1",
    port: ports.smtp,
    secure: false,
    requireTLS: true,
    tls: { ca: fixtures().pki.ca.certPem, servername: "localhost" },
    auth: { type: "custom", method: "XOAUTH2-TWO-STEP", user: MAILBOX, options: { token } },
    customAuth: {
      "XOAUTH2-TWO-STEP": async (ctx: SMTPConnection.CustomAuthenticationContext) => {
        const first = await ctx.sendCommand("AUTH XOAUTH2");
        if (first.status !== 334) throw new Error(first.text);
        const r = await ctx.sendCommand(xoauth2(MAILBOX, token));
        if (r.status !== 235) throw new Error(r.response);
        ctx.resolve();
      },
    },
  });
}

describe("SMTP fake with nodemailer", () => {
  test("two-step XOAUTH2, send, message lands in the recipient mailbox and in sent[]", async () => {
    const t = transport(mintToken());
    const before = fake.directory.findMailbox(MAILBOX)?.folders.get("INBOX")?.length ?? 0;
    const info = await t.sendMail({
      from: MAILBOX,
      to: [MAILBOX, "ext@fabrikam.example"],
      subject: "loop",
      text: "hi",
    });
    assert.deepEqual(info.accepted, [MAILBOX, "ext@fabrikam.example"]);
    assert.equal(fake.directory.findMailbox(MAILBOX)?.folders.get("INBOX")?.length, before + 1);
    const sent = fake.sent.at(-1);
    assert.deepEqual(sent?.deliveredTo, [MAILBOX]);
    assert.equal(sent?.authUser, MAILBOX);
    assert.match(sent?.raw.toString() ?? "", /Subject: loop/);
    t.close();
  });

  test("nodemailer's built-in one-line XOAUTH2 is accepted too", async () => {
    const t = nodemailer.createTransport({
      host: "127.0.0.1",
      port: ports.smtp,
      secure: false,
      requireTLS: true,
      tls: { ca: fixtures().pki.ca.certPem, servername: "localhost" },
      auth: { type: "OAuth2", user: MAILBOX, accessToken: mintToken() },
    });
    assert.equal(await t.verify(), true);
    t.close();
  });

  test("wrong role: 535 5.7.3 reaches nodemailer verbatim", async () => {
    const t = transport(mintToken({ roles: ["POP.AccessAsApp"] }));
    await assert.rejects(t.verify(), (e: Error) => {
      assert.match(
        e.message,
        /535 5\.7\.3 Authentication unsuccessful \[AM0PR01MB1234\.eurprd01\.prod\.outlook\.com\]/,
      );
      return true;
    });
    t.close();
  });
});
