import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { createTestPki, type TestPki } from "../../../src/sandbox/pki.js";
import {
  type Dovecot,
  describeDovecot,
  dovecotSuiteMode,
  LEGACY_PASSWORD,
  LEGACY_USER,
  startDovecot,
} from "./dovecot.js";
import { createTestTokenSigner, trusting } from "./dovecot-tokens.js";

const MAILBOX = "alice@contoso.com";

/** Minimal line client over an already-open socket: enough to script one SASL exchange. */
function lines(sock: TLSSocket) {
  let buf = "";
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  sock.setEncoding("utf8");
  sock.on("data", (d: string) => {
    buf += d;
    for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const w = waiters.shift();
      if (w) w(l);
      else queue.push(l);
    }
  });
  return {
    next: () => {
      const l = queue.shift();
      return l !== undefined ? Promise.resolve(l) : new Promise<string>((r) => waiters.push(r));
    },
    send: (l: string) => sock.write(`${l}\r\n`),
  };
}

function pop3s(dc: Dovecot, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: dc.host, port: dc.ports.pop3s, ca }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Two-step XOAUTH2 over POP3S; returns every server line (the JSON continuation decoded) after the greeting. */
async function pop3Xoauth2(dc: Dovecot, ca: string, token: string): Promise<string[]> {
  const sock = await pop3s(dc, ca);
  const io = lines(sock);
  const out: string[] = [];
  assert.match(await io.next(), /^\+OK /);
  io.send("AUTH XOAUTH2");
  out.push(await io.next());
  io.send(Buffer.from(`user=${MAILBOX}\x01auth=Bearer ${token}\x01\x01`).toString("base64"));
  let reply = await io.next();
  if (reply.startsWith("+ ")) {
    out.push(`+ ${Buffer.from(reply.slice(2), "base64").toString("utf8")}`);
    io.send("");
    reply = await io.next();
  }
  out.push(reply);
  if (reply.startsWith("+OK")) {
    io.send("STAT");
    out.push(await io.next());
  }
  io.send("QUIT");
  out.push(await io.next());
  sock.end();
  return out;
}

describeDovecot("real Dovecot harness", () => {
  let pki: TestPki;
  let dc: Dovecot;
  const signer = createTestTokenSigner();

  before(async () => {
    pki = createTestPki();
    dc = await startDovecot({
      pki,
      ...trusting(signer),
      mailboxes: [MAILBOX],
    });
  });
  after(async () => {
    await dc?.stop();
  });

  it("listens on five distinct loopback ports", () => {
    const ports = Object.values(dc.ports);
    assert.equal(new Set(ports).size, 5);
    for (const p of ports) assert.ok(p > 0 && p < 65536);
  });

  it("accepts a good app-only token over POP3S with two-step XOAUTH2 and shows delivered mail", async () => {
    await dc.deliver(MAILBOX, Buffer.from("Subject: one\r\n\r\nbody\r\n"));
    const out = await pop3Xoauth2(dc, pki.ca.certPem, signer.mint());
    assert.deepEqual(out.slice(0, 2), ["+ ", "+OK Logged in."]);
    assert.match(out[2] ?? "", /^\+OK 1 \d+$/);
  });

  it("rejects an expired token with the JSON continuation, then -ERR [AUTH]", async () => {
    const now = Math.floor(Date.now() / 1000);
    const out = await pop3Xoauth2(dc, pki.ca.certPem, signer.mint({ exp: now - 120 }));
    assert.deepEqual(out.slice(0, 3), [
      "+ ",
      '+ {"status":"401","schemes":"bearer","scope":"mail"}',
      "-ERR [AUTH] Authentication failed.",
    ]);
    assert.match(dc.log(), /Local validation failed: Token has expired/);
  });

  it("rejects a token for the wrong audience the same way", async () => {
    const out = await pop3Xoauth2(dc, pki.ca.certPem, signer.mint({ aud: "https://graph.microsoft.com" }));
    assert.deepEqual(out.slice(0, 3), [
      "+ ",
      '+ {"status":"401","schemes":"bearer","scope":"mail"}',
      "-ERR [AUTH] Authentication failed.",
    ]);
    assert.match(dc.log(), /Token audience does not include 'https:\/\/outlook\.office\.com'/);
  });

  it("rejects a token signed by an unknown key", async () => {
    const other = createTestTokenSigner({ kid: signer.kid });
    const out = await pop3Xoauth2(dc, pki.ca.certPem, other.mint({ iss: signer.issuer }));
    assert.equal(out[2], "-ERR [AUTH] Authentication failed.");
  });

  it("accepts the static legacy password over SASL PLAIN", async () => {
    const sock = await pop3s(dc, pki.ca.certPem);
    const io = lines(sock);
    await io.next();
    io.send(`AUTH PLAIN ${Buffer.from(`\0${LEGACY_USER}\0${LEGACY_PASSWORD}`).toString("base64")}`);
    assert.equal(await io.next(), "+OK Logged in.");
    io.send("QUIT");
    await io.next();
    sock.end();
  });

  it("delivers into the mailbox's Maildir and can change UIDVALIDITY", async () => {
    await dc.deliver(MAILBOX, Buffer.from("Subject: two\r\n\r\nbody\r\n"));
    const files = readdirSync(join(dc.maildirOf(MAILBOX), "cur")).concat(
      readdirSync(join(dc.maildirOf(MAILBOX), "new")),
    );
    assert.ok(files.length >= 1);
    const v = await dc.setUidValidity(MAILBOX, 4242);
    assert.equal(v, 4242);
  });
});

describe("describeDovecot policy", () => {
  it("runs when Dovecot is installed, fails without it, skips only on explicit opt-out", () => {
    assert.equal(dovecotSuiteMode(true, {}), "run");
    assert.equal(dovecotSuiteMode(false, {}), "fail");
    assert.equal(dovecotSuiteMode(false, { XOAUTH_MAIL_SKIP_DOVECOT: "true" }), "fail");
    assert.equal(dovecotSuiteMode(false, { XOAUTH_MAIL_SKIP_DOVECOT: "1" }), "skip");
  });
});
