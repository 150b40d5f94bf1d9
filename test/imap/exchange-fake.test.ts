import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ImapClient } from "../../src/imap/client.js";
import { mapImapError } from "../../src/imap/errors.js";
import type { ExchangeFake, ExchangePorts } from "../../src/sandbox/exchange/index.js";
import { rejects } from "../harness/rejects.js";
import { fixtures, MAILBOX, mintToken, startFake } from "../harness/sandbox/exchange-fake.js";

describe("IMAP error mapping", () => {
  const ctx = { host: "h", port: 993, user: "u@x", command: "LIST" };
  it("maps the Exchange not-connected BAD to MAILBOX_NOT_CONNECTED from the last reply", () => {
    const fromReply = mapImapError(undefined, { ...ctx, lastTagged: "BAD User is authenticated but not connected." });
    assert.equal(fromReply.code, "MAILBOX_NOT_CONNECTED");
    assert.equal(fromReply.details.serverReply, "BAD User is authenticated but not connected.");
  });

  it("maps a tagged NO to AUTHENTICATE as MAILBOX_ACCESS_DENIED (with the SASL error) and socket errors via the network mapper", () => {
    const denied = mapImapError(undefined, {
      ...ctx,
      command: "AUTHENTICATE XOAUTH2",
      lastTagged: "NO AUTHENTICATE failed.",
      saslError: { status: "401" },
    });
    assert.equal(denied.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(denied.details.serverReply, "NO AUTHENTICATE failed.");
    assert.match(denied.message, /"status":"401"/);
    const refused = mapImapError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), ctx);
    assert.equal(refused.code, "MAIL_SERVER_UNREACHABLE");
    const other = mapImapError(undefined, { ...ctx, command: "EXAMINE INBOX", lastTagged: "NO [NONEXISTENT] no" });
    assert.equal(other.code, "PROTOCOL_ERROR");
  });
});

describe("IMAP client against the Exchange fake", () => {
  let fake: ExchangeFake;
  let ports: ExchangePorts;
  const opts = (token: string) => ({
    host: "127.0.0.1",
    port: ports.imaps,
    tls: "implicit" as const,
    ca: [fixtures().pki.ca.certPem],
    user: MAILBOX,
    token,
  });
  before(async () => {
    ({ fake, ports } = await startFake());
  });
  after(async () => {
    await fake?.stop();
  });

  it("logs in, lists and examines INBOX", async () => {
    const c = await ImapClient.connect(opts(mintToken()));
    assert.ok(c.capabilities.has("AUTH=XOAUTH2"));
    assert.ok((await c.listFolders()).includes("INBOX"));
    const inbox = await c.select("INBOX", true);
    assert.equal(inbox.uidValidity, fake.directory.findMailbox(MAILBOX)?.uidValidity);
    await c.logout();
  });

  it("maps NO AUTHENTICATE failed. to MAILBOX_ACCESS_DENIED", async () => {
    const err = await rejects(ImapClient.connect(opts(mintToken({ roles: ["POP.AccessAsApp"] }))));
    assert.equal(err.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(err.details.serverReply, "NO AUTHENTICATE failed.");
  });

  it("maps 'User is authenticated but not connected.' to MAILBOX_NOT_CONNECTED", async () => {
    fake.directory.toggles.notConnectedAfterAuth = true;
    try {
      const c = await ImapClient.connect(opts(mintToken()));
      try {
        const err = await rejects(c.listFolders());
        assert.equal(err.code, "MAILBOX_NOT_CONNECTED");
        assert.match(err.details.serverReply ?? "", /User is authenticated but not connected\./);
      } finally {
        c.close();
      }
    } finally {
      fake.directory.toggles.notConnectedAfterAuth = false;
    }
  });
});
