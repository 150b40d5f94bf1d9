/**
 * UIDVALIDITY change (docs/exactly-once.md): messages are matched by fingerprint (Message-ID + size) only in the run
 * that saw the change; later runs download a new message even when an earlier one had the same fingerprint.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { fetchAccount } from "../../src/fetch/engine.js";
import type { FetchEvent } from "../../src/fetch/types.js";
import { address, exo, options } from "../harness/exchange-world.js";
import { plainMessage } from "../harness/messages.js";

it("imap: fingerprint matching is limited to the run that saw the UIDVALIDITY change", async () => {
  const mb = exo.directory.findMailbox(address);
  assert.ok(mb);
  mb.folders.get("INBOX")?.splice(0);
  const a = plainMessage(1, 3000);
  exo.directory.deliver(address, a);
  const o = options("imap", { delete: false });
  const first = await fetchAccount(o);
  assert.equal(first.ok, true, JSON.stringify(first.errors));
  assert.equal(first.fetched, 1);

  mb.uidValidity += 1;
  const events: FetchEvent[] = [];
  const second = await fetchAccount({ ...o, onEvent: (e) => events.push(e) });
  assert.equal(second.ok, true, JSON.stringify(second.errors));
  assert.ok(events.some((e) => e.type === "uidvalidity"));
  assert.equal(second.fetched, 0, "the renumbered message is recognised by its fingerprint, not downloaded");

  // A later run without a change: a second copy of the same message is a new message and must be downloaded
  // (a match here would, with --delete, expunge it without a copy in the Maildir).
  exo.directory.deliver(address, a);
  const third = await fetchAccount(o);
  assert.equal(third.ok, true, JSON.stringify(third.errors));
  assert.equal(third.fetched, 1);
});
