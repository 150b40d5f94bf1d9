/** ImapClient (the fetch path's own IMAP client) against real Dovecot 2.3: login, SELECT, SEARCH, FETCH, streaming. */
import assert from "node:assert/strict";
import { chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, it } from "node:test";
import { ImapClient, type ImapClientOptions } from "../../src/imap/client.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { type Dovecot, describeDovecot, startDovecot } from "../harness/dovecot/dovecot.js";
import { MAIL_GID, MAIL_UID } from "../harness/dovecot/dovecot-conf.js";
import { createTestTokenSigner, trusting } from "../harness/dovecot/dovecot-tokens.js";
import { rejects } from "../harness/rejects.js";

const MAILBOX = "imap-client@contoso.com";
const FOLDER = "Gel\u00f6schte Elemente \u65e5\u672c";

const MSG1 = Buffer.from("Message-ID: <one@contoso.com>\r\nSubject: one\r\n\r\nfirst body\r\n");
const MSG2 = Buffer.from("Subject: no id\r\n\r\nsecond\r\n");
const BIG = Buffer.from(
  `Message-ID: <big@contoso.com>\r\nSubject: big\r\n\r\n${"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n".repeat(40_000)}`,
);

describeDovecot("ImapClient against real Dovecot", () => {
  let pki: TestPki;
  let dc: Dovecot;
  const signer = createTestTokenSigner();
  const opts = (over: Partial<ImapClientOptions> = {}): ImapClientOptions => ({
    host: dc.host,
    port: dc.ports.imaps,
    tls: "implicit",
    ca: [pki.ca.certPem],
    user: MAILBOX,
    token: signer.mint(),
    ...over,
  });

  before(async () => {
    pki = createTestPki();
    dc = await startDovecot({ pki, ...trusting(signer), mailboxes: [MAILBOX] });
    await dc.deliver(MAILBOX, MSG1);
    await dc.deliver(MAILBOX, MSG2);
    await dc.deliver(MAILBOX, BIG);
    // A non-ASCII folder, as Dovecot's Maildir++ layout stores it: `.` + modified UTF-7 name.
    const folder = join(dc.maildirOf(MAILBOX), ".Gel&APY-schte Elemente &ZeVnLA-");
    for (const sub of ["", "cur", "new", "tmp"]) {
      mkdirSync(join(folder, sub), { recursive: true });
      chownSync(join(folder, sub), MAIL_UID, MAIL_GID);
    }
    const file = join(folder, "new", "1700000000.M1P1.test");
    writeFileSync(file, MSG1);
    chownSync(file, MAIL_UID, MAIL_GID);
  });
  after(async () => {
    await dc?.stop();
  });

  it("logs in (implicit TLS), selects INBOX, searches, fetches metadata and bodies", async () => {
    const c = await ImapClient.connect(opts());
    try {
      assert.ok(c.capabilities.has("UIDPLUS"), "post-login capabilities");
      assert.equal(c.hasUidExpunge, true);
      const sel = await c.select("INBOX", true);
      assert.equal(sel.exists, 3);
      assert.ok(Number.isSafeInteger(sel.uidValidity) && sel.uidValidity > 0);
      assert.deepEqual(await c.uidSearch("ALL"), [1, 2, 3]);
      assert.deepEqual(await c.fetchMeta("1:*"), [
        { uid: 1, size: MSG1.length, messageId: "<one@contoso.com>" },
        { uid: 2, size: MSG2.length, messageId: "" },
        { uid: 3, size: BIG.length, messageId: "<big@contoso.com>" },
      ]);
      const bodies: [number, Buffer][] = [];
      await c.fetchBodies("1:2", async (uid, body) => {
        bodies.push([uid, Buffer.from(body ?? "")]);
      });
      assert.deepEqual(bodies, [
        [1, MSG1],
        [2, MSG2],
      ]);
    } finally {
      await c.logout();
    }
  });

  it("streams a 2.5 MB body into a Writable, byte for byte", async () => {
    const c = await ImapClient.connect(opts());
    try {
      await c.select("INBOX", true);
      const got: Buffer[] = [];
      const sink = new Writable({
        highWaterMark: 8 * 1024,
        write(chunk: Buffer, _e, cb) {
          got.push(Buffer.from(chunk));
          setImmediate(cb);
        },
      });
      await c.fetchBodyStream(3, sink);
      await new Promise<void>((r) => sink.end(r));
      assert.ok(Buffer.concat(got).equals(BIG));
      const err = await rejects(c.fetchBodyStream(99, new Writable({ write: (_c, _e, cb) => cb() })));
      assert.equal(err.code, "PROTOCOL_ERROR");
      assert.match(err.message, /UID 99 vanished/);
    } finally {
      await c.logout();
    }
  });

  it("logs in over STARTTLS and selects a non-ASCII folder by its Unicode name", async () => {
    const c = await ImapClient.connect(opts({ port: dc.ports.imap, tls: "starttls" }));
    try {
      const sel = await c.select(FOLDER, false);
      assert.equal(sel.exists, 1);
      assert.ok(sel.uidValidity > 0);
      assert.deepEqual(await c.fetchMeta("1:*"), [{ uid: 1, size: MSG1.length, messageId: "<one@contoso.com>" }]);
    } finally {
      await c.logout();
    }
  });

  it("a folder that does not exist is PROTOCOL_ERROR with Dovecot's reply, which echoes the decoded name", async () => {
    const c = await ImapClient.connect(opts());
    try {
      const err = await rejects(c.select("Nope \u00e4", true));
      assert.equal(err.code, "PROTOCOL_ERROR");
      assert.equal(err.details.command, "EXAMINE Nope \u00e4");
      // Dovecot echoes the name it decoded from our modified UTF-7: the round trip is right.
      assert.match(err.details.serverReply ?? "", /^NO Mailbox doesn't exist: Nope \u00e4 /);
    } finally {
      await c.logout();
    }
  });

  it("a token signed by another key is MAILBOX_ACCESS_DENIED and the token is not in the error", async () => {
    const other = createTestTokenSigner();
    const token = other.mint();
    const err = await rejects(ImapClient.connect(opts({ token })));
    assert.equal(err.code, "MAILBOX_ACCESS_DENIED");
    const all = `${err.message} ${err.why ?? ""} ${err.fix.join(" ")} ${JSON.stringify(err.details)}`;
    assert.ok(!all.includes(token), "token must not leak into the error");
  });
});
