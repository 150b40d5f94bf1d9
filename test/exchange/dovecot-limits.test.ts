/**
 * The table's connection-limit matchers against real Dovecot 2.3: the 11th login of one user from one IP is refused
 * with `mail_max_userip_connections=10`, on POP3, IMAP and submission, and classifies as temporary SERVER_BUSY.
 * Also Dovecot's plain authentication failure classifies as auth-failed (not as busy).
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { MailProtocol } from "../../src/auth/clouds.js";
import { classifyReply } from "../../src/exchange/contract.js";
import {
  type Dovecot,
  describeDovecot,
  LEGACY_PASSWORD,
  LEGACY_USER,
  startDovecot,
} from "../harness/dovecot/dovecot.js";
import { fixtures, RawClient } from "../harness/sandbox/exchange-fake.js";

const plain = (password: string) => Buffer.from(`\0${LEGACY_USER}\0${password}`).toString("base64");

async function login(d: Dovecot, protocol: MailProtocol, password: string): Promise<{ c: RawClient; reply: string }> {
  if (protocol === "pop3") {
    const c = await RawClient.tls(d.ports.pop3s);
    await c.line();
    c.send(`AUTH PLAIN ${plain(password)}`);
    return { c, reply: await c.line() };
  }
  if (protocol === "imap") {
    const c = await RawClient.tls(d.ports.imaps);
    await c.line();
    c.send(`a AUTHENTICATE PLAIN ${plain(password)}`);
    const lines = await c.until(/^a /);
    return { c, reply: lines[lines.length - 1] as string };
  }
  const c = await RawClient.plain(d.ports.submission);
  await c.until(/^220 /);
  c.send("EHLO test");
  await c.until(/^250 /);
  c.send("STARTTLS");
  await c.until(/^220 /);
  await c.upgrade();
  c.send("EHLO test");
  await c.until(/^250 /);
  c.send(`AUTH PLAIN ${plain(password)}`);
  const lines = await c.until(/^\d{3} /);
  return { c, reply: lines[lines.length - 1] as string };
}

describeDovecot("exchange contract against real Dovecot", () => {
  let d: Dovecot;
  before(async () => {
    d = await startDovecot({
      pki: fixtures().pki,
      issuer: "https://sts.windows.net/unused/",
      audience: "https://outlook.office365.com",
      keys: [],
      mailboxes: [LEGACY_USER],
    });
  });
  after(async () => {
    await d?.stop();
  });

  for (const protocol of ["pop3", "imap", "smtp"] as const) {
    it(`${protocol}: the 11th session of one user is refused with a temporary SERVER_BUSY reply`, async () => {
      const open: RawClient[] = [];
      try {
        for (let i = 0; i < 10; i++) {
          const r = await login(d, protocol, LEGACY_PASSWORD);
          open.push(r.c);
          assert.equal(classifyReply(protocol, "auth", r.reply), undefined, r.reply);
        }
        // Dovecot's mail processes report each session to anvil asynchronously; on a loaded machine the 11th login can
        // be checked before the 10th is counted. It is refused once anvil has caught up: try again a few times.
        let r = await login(d, protocol, LEGACY_PASSWORD);
        open.push(r.c);
        for (let tries = 1; tries < 20 && !/mail_max_userip_connections/.test(r.reply); tries++) {
          r.c.socket.destroy();
          await new Promise((ok) => setTimeout(ok, 250));
          r = await login(d, protocol, LEGACY_PASSWORD);
          open.push(r.c);
        }
        assert.match(r.reply, /mail_max_userip_connections=10/);
        const row = classifyReply(protocol, "auth", r.reply);
        assert.equal(row?.id, "connection-limit", r.reply);
        assert.equal(row?.code, "SERVER_BUSY");
        assert.equal(row?.kind, "temporary");
      } finally {
        for (const c of open) c.socket.destroy();
      }
    });
  }

  it("a wrong password is auth-failed on every protocol, not busy", async () => {
    for (const protocol of ["pop3", "imap", "smtp"] as const) {
      const r = await login(d, protocol, "wrong");
      r.c.socket.destroy();
      assert.equal(classifyReply(protocol, "auth", r.reply)?.id, "auth-failed", r.reply);
    }
  });
});
