import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { ImapClient } from "../../../src/imap/client.js";
import type { ExchangeFake, ExchangePorts } from "../../../src/sandbox/exchange/index.js";
import { IMAP_CAPABILITY } from "../../../src/sandbox/exchange/index.js";
import { fixtures, MAILBOX, mintToken, RawClient, startFake, xoauth2 } from "../../harness/sandbox/exchange-fake.js";

let fake: ExchangeFake;
let ports: ExchangePorts;
const clients: RawClient[] = [];
const flows: ImapClient[] = [];

before(async () => {
  ({ fake, ports } = await startFake());
});
after(() => fake.stop());
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const f of flows.splice(0)) f.close();
});

async function flow(): Promise<ImapClient> {
  const f = await ImapClient.connect({
    host: "127.0.0.1",
    port: ports.imaps,
    tls: "implicit",
    ca: [fixtures().pki.ca.certPem],
    user: MAILBOX,
    token: mintToken(),
  });
  flows.push(f);
  return f;
}

async function raw(): Promise<RawClient> {
  const c = await RawClient.tls(ports.imaps);
  clients.push(c);
  assert.match(await c.line(), /^\* OK The Microsoft Exchange IMAP4 service is ready\. \[[A-Za-z0-9+/=]+\]$/);
  return c;
}

describe("IMAP fake with raw sockets", () => {
  test("CAPABILITY is exactly Exchange's; LOGIN fails; two-step AUTHENTICATE works", async () => {
    const c = await raw();
    c.send("A0 CAPABILITY");
    assert.deepEqual(await c.until(/^A0 /), [`* CAPABILITY ${IMAP_CAPABILITY}`, "A0 OK CAPABILITY completed."]);
    c.send(`A1 LOGIN ${MAILBOX} secret`);
    assert.equal(await c.line(), "A1 NO LOGIN failed.");
    c.send("A2 AUTHENTICATE XOAUTH2");
    assert.equal(await c.line(), "+ ");
    c.send(xoauth2(MAILBOX, mintToken()));
    assert.equal(await c.line(), "A2 OK AUTHENTICATE completed.");
  });

  test("bad token: NO AUTHENTICATE failed.", async () => {
    const c = await raw();
    c.send(`A1 AUTHENTICATE XOAUTH2 ${xoauth2(MAILBOX, mintToken({ aud: "https://graph.microsoft.com" }))}`);
    assert.equal(await c.line(), "A1 NO AUTHENTICATE failed.");
  });

  test("SELECT, literals, UID SEARCH, STORE, EXPUNGE", async () => {
    fake.addMessage(MAILBOX, Buffer.from("Subject: to delete\r\n\r\nbye\r\n"));
    const c = await raw();
    c.send(`A1 AUTHENTICATE XOAUTH2 ${xoauth2(MAILBOX, mintToken())}`);
    await c.line();
    c.send("A2 SELECT {5+}");
    c.send("INBOX");
    const sel = await c.until(/^A2 /);
    assert.equal(sel.at(-1), "A2 OK [READ-WRITE] SELECT completed.");
    const exists = Number(/^\* (\d+) EXISTS$/.exec(sel[0] ?? "")?.[1]);
    assert.ok(exists >= 4);
    assert.ok(sel.some((l) => /^\* OK \[UIDVALIDITY \d+\]/.test(l)));
    assert.ok(sel.some((l) => /^\* OK \[UIDNEXT \d+\]/.test(l)));
    c.send("A3 UID SEARCH ALL");
    const search = await c.until(/^A3 /);
    const uids = (search[0] ?? "").split(" ").slice(2).map(Number);
    assert.equal(uids.length, exists);
    const last = uids.at(-1) as number;
    c.send(`A4 UID STORE ${last} +FLAGS (\\Deleted)`);
    assert.deepEqual(await c.until(/^A4 /), [
      `* ${exists} FETCH (FLAGS (\\Deleted) UID ${last})`,
      "A4 OK UID STORE completed.",
    ]);
    c.send(`A5 UID EXPUNGE ${last}`);
    assert.deepEqual(await c.until(/^A5 /), [`* ${exists} EXPUNGE`, "A5 OK UID EXPUNGE completed."]);
    c.send("A6 FETCH 1 (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (Subject)])");
    const f = await c.until(/^A6 /);
    // UID last, as Exchange puts it (docs/exchange-behaviour.md), though asked for first.
    assert.match(f[0] ?? "", /^\* 1 FETCH \(RFC822\.SIZE \d+ BODY\[HEADER\.FIELDS \(Subject\)\] \{\d+\}$/);
    assert.equal(f[1], "Subject: Welcome to the xoauth-mail sandbox");
    assert.match(f.at(-2) ?? "", /^ UID \d+\)$/);
    c.send("A7 LOGOUT");
    assert.deepEqual(await c.until(/^A7 /), [
      "* BYE Microsoft Exchange Server IMAP4 server signing off.",
      "A7 OK LOGOUT completed.",
    ]);
  });

  test("dropAfterBytes cuts a FETCH body literal", async () => {
    const c = await raw();
    c.send(`A1 AUTHENTICATE XOAUTH2 ${xoauth2(MAILBOX, mintToken())}`);
    await c.line();
    c.send("A2 EXAMINE INBOX");
    await c.until(/^A2 /);
    fake.faults.dropAfterBytes = 7;
    try {
      c.send("A3 FETCH 1 (BODY.PEEK[])");
      const rest = await c.rest();
      assert.match(rest, /^\* 1 FETCH \(BODY\[\] \{\d+\}\r\n.{7}$/s);
    } finally {
      fake.faults.dropAfterBytes = undefined;
    }
  });
});

describe("IMAP fake with our IMAP client", () => {
  test("XOAUTH2 login, list, EXAMINE, fetch bodies", async () => {
    const f = await flow();
    const list = await f.listFolders();
    assert.deepEqual(list.sort(), ["Deleted Items", "Drafts", "INBOX", "Sent Items"]);
    const box = await f.select("INBOX", true);
    assert.ok(box.exists >= 3);
    const uids = await f.uidSearch("ALL");
    assert.equal(uids.length, box.exists);
    const sources: string[] = [];
    await f.fetchBodies(`${uids[0]}:*`, async (_uid, body) => {
      sources.push(body?.toString() ?? "");
    });
    assert.equal(sources.length, box.exists);
    assert.match(sources[0] ?? "", /Subject: Welcome to the xoauth-mail sandbox/);
    assert.match(sources[0] ?? "", /sender1@fabrikam\.example/);
    await f.logout();
  });

  test("IDLE is told about a message delivered while idling", async () => {
    const f = await flow();
    await f.select("INBOX", true);
    const before = f.exists;
    let stop: (why: string) => void = () => {};
    const idling = f.idle(new Promise<string>((r) => (stop = r)));
    await new Promise((r) => setTimeout(r, 100));
    fake.addMessage(MAILBOX, Buffer.from("Subject: pushed\r\n\r\nhello\r\n"));
    assert.equal(await idling, "new mail");
    assert.equal(f.exists, before + 1);
    stop("done");
    await f.logout();
  });

  test("our client sees 'authenticated but not connected' on LIST", async () => {
    fake.directory.toggles.notConnectedAfterAuth = true;
    try {
      const f = await flow();
      await assert.rejects(f.listFolders(), (e: Error & { code?: string }) => {
        assert.equal(e.code, "MAILBOX_NOT_CONNECTED");
        assert.match(e.message, /refused access to the mailbox \(LIST\)/);
        return true;
      });
    } finally {
      fake.directory.toggles.notConnectedAfterAuth = false;
    }
  });
});
