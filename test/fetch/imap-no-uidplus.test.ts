/**
 * IMAP --delete against a server without UIDPLUS: a plain EXPUNGE would remove every \Deleted message of the
 * folder (also ones another client flagged and we never delivered). The engine flags only, warns once,
 * and leaves \Deleted messages out of the plan.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { fetchAccount } from "../../src/fetch/engine.js";
import type { FetchEvent } from "../../src/fetch/types.js";
import { ImapClient } from "../../src/imap/client.js";
import { address, exo, options } from "../harness/exchange-world.js";
import { plainMessage } from "../harness/messages.js";

it("imap without UIDPLUS: --delete flags delivered messages \\Deleted, never expunges, warns once", async (t) => {
  // As if the server did not advertise UIDPLUS (the client asks before it opens the folder).
  const hasUidExpunge = Object.getOwnPropertyDescriptor(ImapClient.prototype, "hasUidExpunge");
  assert.ok(hasUidExpunge);
  Object.defineProperty(ImapClient.prototype, "hasUidExpunge", { get: () => false, configurable: true });
  t.after(() => {
    Object.defineProperty(ImapClient.prototype, "hasUidExpunge", hasUidExpunge);
  });
  const mb = exo.directory.findMailbox(address);
  assert.ok(mb);
  const inbox = mb.folders.get("INBOX") as NonNullable<ReturnType<typeof mb.folders.get>>;
  inbox.splice(0);
  const ours = [plainMessage(1, 3000), plainMessage(2, 3000)];
  for (const m of ours) exo.directory.deliver(address, m);
  const othersDeleted = exo.directory.deliver(address, plainMessage(3, 3000), "INBOX", ["\\Deleted"]);

  const events: FetchEvent[] = [];
  const o = options("imap", { onEvent: (e) => events.push(e) });
  const s = await fetchAccount(o);
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, 2, "the message another client flagged \\Deleted is not in the plan");
  assert.equal(s.deleted, 0);
  assert.equal(inbox.length, 3, "nothing expunged");
  assert.ok(inbox.includes(othersDeleted), "another client's \\Deleted message survives");
  assert.ok(
    inbox.every((m) => m.flags.has("\\Deleted")),
    "ours are flagged \\Deleted",
  );
  const warnings = events.filter((e) => e.type === "warning");
  assert.deepEqual(
    warnings.map((e) => e.type === "warning" && e.message),
    ["server lacks UIDPLUS: messages were flagged \\Deleted but not expunged"],
  );

  // The next run skips the flagged messages: nothing fetched, nothing flagged again, nothing expunged.
  const again = await fetchAccount({ ...o, onEvent: undefined });
  assert.equal(again.ok, true, JSON.stringify(again.errors));
  assert.equal(again.fetched, 0);
  assert.equal(inbox.length, 3);
});
