import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connectImap, mapImapError } from "../../src/imap/index.js";
import { TLS_UNTRUSTED_CODES } from "../../src/net/errors.js";
import type { ExchangeFake, ExchangePorts } from "../../src/sandbox/exchange/index.js";
import { rejects } from "../harness/rejects.js";
import { fixtures, MAILBOX, mintToken, startFake } from "../harness/sandbox/exchange-fake.js";

describe("IMAP error mapping", () => {
  const ctx = { host: "h", port: 993, user: "u@x", command: "LIST" };
  it("maps the Exchange not-connected BAD to MAILBOX_NOT_CONNECTED, from imapflow's error or the last reply", () => {
    const fromFlow = mapImapError(
      Object.assign(new Error("Authentication failed"), {
        name: "AuthenticationFailure",
        response: "User is authenticated but not connected.",
      }),
      ctx,
    );
    assert.equal(fromFlow.code, "MAILBOX_NOT_CONNECTED");
    const fromReply = mapImapError(new Error("Command failed"), {
      ...ctx,
      lastTagged: "BAD User is authenticated but not connected.",
    });
    assert.equal(fromReply.code, "MAILBOX_NOT_CONNECTED");
    assert.equal(fromReply.details.serverReply, "BAD User is authenticated but not connected.");
  });

  it("every TLS-untrusted code of the network mapper is TLS_UNTRUSTED for IMAP too (one shared list)", () => {
    assert.ok(TLS_UNTRUSTED_CODES.size >= 10);
    for (const code of TLS_UNTRUSTED_CODES) {
      const e = mapImapError(Object.assign(new Error(code), { code }), ctx);
      assert.equal(e.code, "TLS_UNTRUSTED", code);
    }
  });

  it("maps a tagged NO to AUTHENTICATE as MAILBOX_ACCESS_DENIED and socket errors via the network mapper", () => {
    const denied = mapImapError(Object.assign(new Error("Command failed"), { authenticationFailed: true }), {
      ...ctx,
      command: "AUTHENTICATE XOAUTH2",
      lastTagged: "NO AUTHENTICATE failed.",
    });
    assert.equal(denied.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(denied.details.serverReply, "NO AUTHENTICATE failed.");
    const refused = mapImapError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), ctx);
    assert.equal(refused.code, "MAIL_SERVER_UNREACHABLE");
    const timeout = mapImapError(Object.assign(new Error("t"), { code: "GREETING_TIMEOUT" }), ctx);
    assert.equal(timeout.code, "TIMEOUT");
  });
});

describe("IMAP client against the Exchange fake", () => {
  let fake: ExchangeFake;
  let ports: ExchangePorts;
  const opts = (token: string) => ({
    host: "127.0.0.1",
    port: ports.imaps,
    tls: "implicit" as const,
    ca: fixtures().pki.ca.certPem,
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
    const s = await connectImap(opts(mintToken()));
    assert.ok(s.preAuthCapabilities.includes("AUTH=XOAUTH2"));
    assert.ok((await s.listMailboxes()).some((m) => m.path === "INBOX"));
    const inbox = await s.examineInbox();
    assert.equal(inbox.uidValidity, fake.directory.findMailbox(MAILBOX)?.uidValidity);
    await s.logout();
  });

  it("maps NO AUTHENTICATE failed. to MAILBOX_ACCESS_DENIED", async () => {
    const err = await rejects(connectImap(opts(mintToken({ roles: ["POP.AccessAsApp"] }))));
    assert.equal(err.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(err.details.serverReply, "NO AUTHENTICATE failed.");
  });

  it("maps 'User is authenticated but not connected.' to MAILBOX_NOT_CONNECTED", async () => {
    fake.directory.toggles.notConnectedAfterAuth = true;
    try {
      const err = await rejects(
        (async () => {
          const s = await connectImap(opts(mintToken()));
          try {
            await s.listMailboxes();
          } finally {
            s.close();
          }
        })(),
      );
      assert.equal(err.code, "MAILBOX_NOT_CONNECTED");
      assert.match(err.details.serverReply ?? "", /User is authenticated but not connected\./);
    } finally {
      fake.directory.toggles.notConnectedAfterAuth = false;
    }
  });
});
