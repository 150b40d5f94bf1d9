import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { TraceEvent } from "../../src/net/types.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { sendMail, smtpLoginCheck } from "../../src/smtp/index.js";
import { type Dovecot, describeDovecot, startDovecot } from "../harness/dovecot/dovecot.js";
import { createTestTokenSigner, trusting } from "../harness/dovecot/dovecot-tokens.js";
import { rejects } from "../harness/rejects.js";

const SENDER = "reports@contoso.com";

describeDovecot("SMTP client against real Dovecot submission", () => {
  let pki: TestPki;
  let dc: Dovecot;
  const signer = createTestTokenSigner();
  const base = () => ({
    host: dc.host,
    port: dc.ports.submission,
    tls: "starttls" as const,
    ca: pki.ca.certPem,
    user: SENDER,
  });

  before(async () => {
    pki = createTestPki();
    dc = await startDovecot({
      pki,
      ...trusting(signer),
    });
  });
  after(async () => {
    await dc?.stop();
  });

  it("logs in with two-step XOAUTH2 after STARTTLS and re-reads EHLO after auth", async () => {
    const trace: TraceEvent[] = [];
    const token = signer.mint();
    const r = await smtpLoginCheck({ ...base(), token, onTrace: (e) => trace.push(e) });
    assert.deepEqual(r.authMechanisms, ["PLAIN", "LOGIN", "XOAUTH2"]);
    assert.ok(r.extensions.includes("AUTH PLAIN LOGIN XOAUTH2"));
    assert.ok(!r.extensions.includes("STARTTLS"), "extensions are those after STARTTLS");
    assert.ok(r.postAuthExtensions.some((x) => x.startsWith("SIZE")));
    assert.equal(r.authReply, "235 2.7.0 Logged in.");
    assert.ok(r.timings.authMs !== undefined && r.timings.starttlsMs !== undefined);
    const lines = trace.map((e) => `${e.dir} ${e.line}`);
    const i = lines.indexOf("c AUTH XOAUTH2");
    assert.ok(i > 0, "AUTH XOAUTH2 sent alone on its line (two-step form)");
    assert.deepEqual(lines.slice(i + 1, i + 4), [
      "s 334 ",
      "c <redacted XOAUTH2 initial response>",
      "s 235 2.7.0 Logged in.",
    ]);
    assert.ok(lines.indexOf("c STARTTLS") < i);
    assert.ok(!lines.join("\n").includes(token));
  });

  it("sends a raw message that Dovecot relays to the sink", async () => {
    const raw = `From: ${SENDER}\r\nTo: ops@fabrikam.com\r\nSubject: xoauth-mail relay test\r\nMessage-ID: <t1@contoso.com>\r\n\r\nhello\r\n`;
    const r = await sendMail({ ...base(), token: signer.mint() }, { from: SENDER, to: ["ops@fabrikam.com"], raw });
    assert.match(r.response, /^250 /);
    assert.deepEqual(r.accepted, ["ops@fabrikam.com"]);
    const got = dc.sink.messages.at(-1);
    assert.ok(got, "the sink received the message");
    assert.equal(got.from, SENDER);
    assert.deepEqual(got.to, ["ops@fabrikam.com"]);
    assert.match(got.raw.toString(), /Subject: xoauth-mail relay test\r\n/);
    assert.match(got.raw.toString(), /\r\n\r\nhello\r\n$/);
  });

  it("composes and sends a message from fields", async () => {
    const before = dc.sink.messages.length;
    const provider = { getToken: async () => ({ token: signer.mint(), expiresOn: new Date(), fromCache: false }) };
    const r = await sendMail(
      { ...base(), token: provider },
      { from: SENDER, to: ["a@fabrikam.com", "b@fabrikam.com"], subject: "fields", text: "body text" },
    );
    assert.ok(r.messageId);
    assert.equal(dc.sink.messages.length, before + 1);
    assert.deepEqual(dc.sink.messages.at(-1)?.to, ["a@fabrikam.com", "b@fabrikam.com"]);
  });

  it("maps an expired token to MAILBOX_ACCESS_DENIED after answering the JSON challenge", async () => {
    const trace: TraceEvent[] = [];
    const now = Math.floor(Date.now() / 1000);
    const err = await rejects(
      smtpLoginCheck({ ...base(), token: signer.mint({ exp: now - 600 }), onTrace: (e) => trace.push(e) }),
    );
    assert.equal(err.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(err.details.serverReply, "535 5.7.8 Authentication failed.");
    assert.equal(err.details.command, "AUTH XOAUTH2");
    assert.match(err.message, /"status":"401"/);
    assert.ok(trace.some((e) => e.dir === "c" && e.line.startsWith("(empty line")));
  });

  it("maps an expired token during sendMail the same way, and nothing reaches the sink", async () => {
    const before = dc.sink.messages.length;
    const err = await rejects(
      sendMail({ ...base(), token: signer.mint({ exp: 1_000 }) }, { from: SENDER, to: ["x@fabrikam.com"], text: "x" }),
    );
    assert.equal(err.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(dc.sink.messages.length, before);
  });

  it("maps an untrusted certificate after STARTTLS to TLS_UNTRUSTED", async () => {
    const err = await rejects(smtpLoginCheck({ ...base(), ca: createTestPki().ca.certPem, token: signer.mint() }));
    assert.equal(err.code, "TLS_UNTRUSTED");
  });
});
