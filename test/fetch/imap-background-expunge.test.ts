/**
 * IMAP --delete with small durability batches: each committed batch is expunged (UID STORE + UID EXPUNGE) in the
 * background while the bulk UID FETCH of the next messages is still streaming on the same connection. The client
 * must queue those commands behind the FETCH (one command on the wire at a time), not fail the run.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { fetchAccount } from "../../src/fetch/engine.js";
import { address, exo, options } from "../harness/exchange-world.js";
import { deliveredHashes, sha256 } from "../harness/fetch-env.js";
import { plainMessage } from "../harness/messages.js";

it("imap --delete --batch 2: background expunges during a long FETCH are queued; every message once, mailbox empty", async () => {
  const mb = exo.directory.findMailbox(address);
  assert.ok(mb);
  const inbox = mb.folders.get("INBOX") as NonNullable<ReturnType<typeof mb.folders.get>>;
  inbox.splice(0);
  const msgs = Array.from({ length: 24 }, (_, i) => plainMessage(300 + i, 40_000));
  for (const m of msgs) exo.directory.deliver(address, m);
  const o = options("imap", { batchMessages: 2 });
  exo.faults.stallMs = 25; // a slow body stream: batches commit (and expunge) while the FETCH still runs
  const s = await fetchAccount(o).finally(() => {
    delete exo.faults.stallMs;
  });
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, msgs.length);
  assert.equal(s.deleted, msgs.length);
  assert.equal(mb.folders.get("INBOX")?.length, 0, "the fake replaces the folder array on EXPUNGE: read it again");
  assert.deepEqual(deliveredHashes(o.maildir), msgs.map(sha256).sort());
});
