/** POP3 without UIDL: header-hash ids; identical copies in one listing each get their own id. */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { listMessages } from "../../src/fetch/pop3-ids.js";
import type { Pop3Client } from "../../src/pop3/client.js";

/** A server without UIDL: LIST answers, UIDL is -ERR, TOP n 0 returns each message's header block. */
function noUidlServer(headers: Record<number, string>, sizes: Record<number, number>): Pop3Client {
  return {
    list: async () => Object.keys(sizes).map((n) => ({ n: Number(n), size: sizes[Number(n)] as number })),
    uidl: async () => {
      throw Object.assign(new Error("-ERR unknown command"), { details: { command: "UIDL" } });
    },
    top: async (n: number, lines: number) => {
      assert.equal(lines, 0);
      return Readable.from([Buffer.from(headers[n] as string)]);
    },
  } as unknown as Pop3Client;
}

test("two messages with the same header block and size get distinct ids (#2), in listing order", async () => {
  const same = "From: a@contoso.com\r\nSubject: copy\r\n\r\n";
  const other = "From: b@contoso.com\r\nSubject: other\r\n\r\n";
  const server = noUidlServer({ 1: same, 2: other, 3: same, 4: same }, { 1: 100, 2: 100, 3: 100, 4: 100 });
  const { messages, uidl } = await listMessages(server);
  assert.equal(uidl, false);
  const ids = messages.map((m) => m.id);
  assert.deepEqual(
    messages.map((m) => m.n),
    [1, 2, 3, 4],
  );
  assert.match(ids[0] as string, /^hdr-[0-9a-f]{32}-100$/);
  assert.equal(ids[2], `${ids[0]}#2`);
  assert.equal(ids[3], `${ids[0]}#3`);
  assert.notEqual(ids[1], ids[0]);
  assert.equal(new Set(ids).size, 4, "every message has its own id");
});

test("the same header block with another size is a different message, and ids are stable across sessions", async () => {
  const h = "From: a@contoso.com\r\nSubject: x\r\n\r\n";
  const first = await listMessages(noUidlServer({ 1: h, 2: h }, { 1: 100, 2: 101 }));
  const again = await listMessages(noUidlServer({ 1: h, 2: h }, { 1: 100, 2: 101 }));
  assert.deepEqual(
    first.messages.map((m) => m.id),
    again.messages.map((m) => m.id),
  );
  assert.equal(
    first.messages.every((m) => !m.id.includes("#")),
    true,
  );
  assert.notEqual(first.messages[0]?.id, first.messages[1]?.id);
});
