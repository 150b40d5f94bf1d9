/**
 * A message fetched in the bulk FETCH (RFC822.SIZE said it was small) whose body turns out bigger than the in-memory
 * literal limit: it streams into tmp/ like a big message instead of failing every run with LIMIT_EXCEEDED.
 * (Forced here with a bulk threshold above the literal limit; with Exchange it takes an RFC822.SIZE estimate that
 * is far too low.)
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { fetchAccount } from "../../src/fetch/engine.js";
import { LIMITS } from "../../src/limits.js";
import { address, exo, options } from "../harness/exchange-world.js";
import { deliveredHashes, sha256, tmpFiles } from "../harness/fetch-env.js";
import { plainMessage } from "../harness/messages.js";

it("imap: a body above the in-memory literal limit inside the bulk FETCH is streamed to disk and delivered once", async () => {
  const mb = exo.directory.findMailbox(address);
  assert.ok(mb);
  mb.folders.get("INBOX")?.splice(0);
  const big = plainMessage(501, LIMITS.maxImapLiteralBytes + 2 * 1024 * 1024);
  const msgs = [plainMessage(500, 3000), big, plainMessage(502, 3000)];
  for (const m of msgs) exo.directory.deliver(address, m);
  const o = options("imap", { streamThresholdBytes: 64 * 1024 * 1024, delete: false }); // all three in one bulk FETCH
  const s = await fetchAccount(o);
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, 3);
  assert.equal(
    s.bytes,
    msgs.reduce((n, m) => n + m.length, 0),
  );
  assert.deepEqual(deliveredHashes(o.maildir), msgs.map(sha256).sort());
  assert.deepEqual(tmpFiles(o.maildir), []);
});
