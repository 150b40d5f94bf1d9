import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { ExchangeFake, ExchangePorts } from "../../../src/sandbox/exchange/index.js";
import { parseXoauth2 } from "../../../src/sasl/xoauth2.js";
import { tokenize } from "../../../src/server/imap-command.js";
import { MAILBOX, mintToken, RawClient, startFake, xoauth2 } from "../../harness/sandbox/exchange-fake.js";

let fake: ExchangeFake;
let ports: ExchangePorts;
before(async () => {
  ({ fake, ports } = await startFake());
});
after(() => fake.stop());

function garbage(i: number): string {
  const pool = [
    "AUTH",
    "A1",
    "UID",
    "FETCH",
    "{5}",
    "{99999999999}",
    "(",
    ")",
    '"',
    "[",
    "]",
    "*",
    "+",
    ":",
    "\x00",
    "é",
  ];
  const parts: string[] = [];
  for (let k = 0; k < 1 + (i % 7); k++) {
    parts.push(
      i % 3 === 0
        ? randomBytes(1 + (i % 13))
            .toString("latin1")
            .replace(/[\r\n]/g, "")
        : (pool[(i * 7 + k) % pool.length] as string),
    );
  }
  return parts.join(i % 2 ? " " : "");
}

async function hammer(client: RawClient, prefix: string[]): Promise<void> {
  for (const l of prefix) client.send(l);
  for (let i = 0; i < 300; i++) client.send(garbage(i));
  client.send("A9 NOOP");
  client.send("QUIT");
  await new Promise((r) => setTimeout(r, 300));
  client.close();
}

describe("no crash on garbage input", () => {
  test("POP3 and IMAP survive a few hundred random lines, before and after login, and keep serving", async () => {
    const token = mintToken();
    await hammer(await RawClient.tls(ports.pop3s), []);
    await hammer(await RawClient.tls(ports.pop3s), ["AUTH XOAUTH2", xoauth2(MAILBOX, token)]);
    await hammer(await RawClient.tls(ports.imaps), []);
    await hammer(await RawClient.tls(ports.imaps), [
      `A1 AUTHENTICATE XOAUTH2 ${xoauth2(MAILBOX, token)}`,
      "A2 SELECT INBOX",
    ]);
    await hammer(await RawClient.plain(ports.smtp), ["EHLO x.example"]);
    const c = await RawClient.tls(ports.imaps);
    await c.line();
    c.send(`A1 AUTHENTICATE XOAUTH2 ${xoauth2(MAILBOX, token)}`);
    assert.equal(await c.line(), "A1 OK AUTHENTICATE completed.");
    c.close();
    assert.equal(fake.directory.findMailbox(MAILBOX)?.folders.get("INBOX")?.length, 3, "garbage changed nothing");
  });

  test("a line longer than the limit closes the connection instead of buffering", async () => {
    const c = await RawClient.tls(ports.pop3s);
    await c.line();
    c.socket.write(Buffer.alloc(40 * 1024, 0x41));
    assert.match(await c.rest(), /^-ERR Command line too long\.\r\n$/);
  });

  test("the IMAP tokenizer and the XOAUTH2 decoder never throw anything but syntax errors", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          tokenize({ parts: [{ text: s }] });
        } catch (e) {
          assert.equal((e as Error).constructor.name, "ImapSyntaxError");
        }
        const r = parseXoauth2(s);
        assert.ok(r === undefined || typeof r.user === "string");
      }),
      { numRuns: 500 },
    );
  });
});
