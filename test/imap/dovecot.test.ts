import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { ImapClient } from "../../src/imap/client.js";
import type { ImapClientOptions } from "../../src/imap/connection.js";
import type { TraceEvent } from "../../src/net/types.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { type Dovecot, describeDovecot, startDovecot } from "../harness/dovecot/dovecot.js";
import { createTestTokenSigner, trusting } from "../harness/dovecot/dovecot-tokens.js";
import { rejects } from "../harness/rejects.js";

const MAILBOX = "shared-inbox@contoso.com";

describeDovecot("IMAP client against real Dovecot", () => {
  let pki: TestPki;
  let dc: Dovecot;
  const signer = createTestTokenSigner();
  const base = () => ({ host: dc.host, ca: [pki.ca.certPem], user: MAILBOX });
  const connectImap = (o: ImapClientOptions) => ImapClient.connect(o);

  before(async () => {
    pki = createTestPki();
    dc = await startDovecot({
      pki,
      ...trusting(signer),
      mailboxes: [MAILBOX],
    });
    await dc.deliver(MAILBOX, Buffer.from("Subject: one\r\n\r\nbody\r\n"));
    await dc.deliver(MAILBOX, Buffer.from("Subject: two\r\n\r\nbody\r\n"));
  });
  after(async () => {
    await dc?.stop();
  });

  it("logs in over IMAPS with XOAUTH2, lists mailboxes and examines INBOX", async () => {
    const trace: TraceEvent[] = [];
    const token = signer.mint();
    const s = await connectImap({
      ...base(),
      port: dc.ports.imaps,
      tls: "implicit",
      token,
      onTrace: (e) => trace.push(e),
    });
    assert.ok(s.capabilities.has("NAMESPACE"), "post-login capabilities");
    assert.deepEqual(await s.listFolders(), ["INBOX"]);
    const inbox = await s.select("INBOX", true);
    assert.equal(inbox.exists, 2);
    assert.ok(inbox.uidValidity > 0);
    await s.logout();
    const text = trace.map((e) => `${e.dir} ${e.line}`).join("\n");
    assert.match(text, /^c \S+ AUTHENTICATE XOAUTH2 /m);
    assert.ok(!text.includes(token), "token must not appear in the transcript");
    assert.ok(!text.includes(Buffer.from(`user=${MAILBOX}`).toString("base64").slice(0, 12)), "no SASL base64");
  });

  it("logs in over IMAP + STARTTLS and sees a changed UIDVALIDITY", async () => {
    const s1 = await connectImap({ ...base(), port: dc.ports.imap, tls: "starttls", token: signer.mint() });
    const before = await s1.select("INBOX", true);
    await s1.logout();
    const v = await dc.setUidValidity(MAILBOX, before.uidValidity + 7);
    const trace: TraceEvent[] = [];
    const s2 = await connectImap({
      ...base(),
      port: dc.ports.imap,
      tls: "starttls",
      token: { getToken: async () => ({ token: signer.mint(), expiresOn: new Date(), fromCache: false }) },
      onTrace: (e) => trace.push(e),
    });
    assert.equal((await s2.select("INBOX", true)).uidValidity, v);
    await s2.logout();
    assert.ok(trace.some((e) => e.dir === "c" && /STARTTLS/.test(e.line)));
    assert.ok(!s2.capabilities.has("STARTTLS"), "capabilities are the ones re-read after STARTTLS");
  });

  it("maps an expired token to MAILBOX_ACCESS_DENIED with Dovecot's reply", async () => {
    const now = Math.floor(Date.now() / 1000);
    const err = await rejects(
      connectImap({ ...base(), port: dc.ports.imaps, tls: "implicit", token: signer.mint({ exp: now - 600 }) }),
    );
    assert.equal(err.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(err.details.serverReply, "NO [AUTHENTICATIONFAILED] Authentication failed.");
    assert.equal(err.details.command, "AUTHENTICATE XOAUTH2");
    assert.match(err.message, /"status":"401"/);
  });

  it("maps an untrusted server certificate to TLS_UNTRUSTED", async () => {
    const other = createTestPki();
    const err = await rejects(
      connectImap({ ...base(), ca: [other.ca.certPem], port: dc.ports.imaps, tls: "implicit", token: signer.mint() }),
    );
    assert.equal(err.code, "TLS_UNTRUSTED");
  });

  it("maps a wrong host name to TLS_HOSTNAME_MISMATCH", async () => {
    const err = await rejects(
      connectImap({
        ...base(),
        servername: "imap.example.net",
        port: dc.ports.imaps,
        tls: "implicit",
        token: signer.mint(),
      }),
    );
    assert.equal(err.code, "TLS_HOSTNAME_MISMATCH");
  });
});

describeDovecot("IMAP client against Dovecot without XOAUTH2", () => {
  let pki: TestPki;
  let dc: Dovecot;
  const signer = createTestTokenSigner();
  before(async () => {
    pki = createTestPki();
    dc = await startDovecot({
      pki,
      ...trusting(signer),
      mechanisms: ["PLAIN", "OAUTHBEARER"],
    });
  });
  after(async () => {
    await dc?.stop();
  });

  it("reports XOAUTH2_NOT_OFFERED with the advertised capabilities (OAUTHBEARER is not a substitute)", async () => {
    const err = await rejects(
      ImapClient.connect({
        host: dc.host,
        port: dc.ports.imaps,
        tls: "implicit",
        ca: [pki.ca.certPem],
        user: MAILBOX,
        token: signer.mint(),
      }),
    );
    assert.equal(err.code, "XOAUTH2_NOT_OFFERED");
    assert.match(err.details.serverReply ?? "", /AUTH=OAUTHBEARER/);
    assert.doesNotMatch(err.details.serverReply ?? "", /AUTH=XOAUTH2/);
  });
});
