/**
 * A retry pass must not acknowledge (DELE / EXPUNGE) messages it finds only by file name in new/ — files of a batch
 * whose commit (fsync(new/) + state record) never ran — before their renames are durable and they are recorded in
 * the state file (docs/exactly-once.md: steps 4-5 before 6).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { it } from "node:test";
import { FetchContext } from "../../src/fetch/context.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import { Hooks } from "../../src/fetch/hooks.js";
import { imapPass } from "../../src/fetch/imap-fetch.js";
import { pop3Pass } from "../../src/fetch/pop3-fetch.js";
import type { FetchEvent } from "../../src/fetch/types.js";
import { ImapClient } from "../../src/imap/client.js";
import { Pop3Client } from "../../src/pop3/client.js";
import { Maildir } from "../../src/store/maildir.js";
import { deliveryName } from "../../src/store/names.js";
import { accountHash, StateStore } from "../../src/store/state.js";
import { address, exo, options } from "../harness/exchange-world.js";
import { plainMessage } from "../harness/messages.js";
import { recordingFs } from "../harness/store-fs.js";

for (const protocol of ["pop3", "imap"] as const) {
  it(`${protocol}: files renamed into new/ but never committed are fsynced and recorded before a retry pass acknowledges them`, async (t) => {
    const mb = exo.directory.findMailbox(address);
    if (mb) mb.folders.get("INBOX")?.splice(0);
    const msgs = [plainMessage(1, 3000), plainMessage(2, 3000), plainMessage(3, 3000)];
    for (const m of msgs) exo.directory.deliver(address, m);

    // Learn the server ids (UIDLs / UIDs) and UIDVALIDITY without deleting anything.
    const ids: string[] = [];
    const scoutOpts = options(protocol, {
      delete: false,
      onEvent: (e: FetchEvent) => {
        if (e.type === "message") ids.push(e.id);
      },
    });
    const scout = await fetchAccount(scoutOpts);
    assert.equal(scout.ok, true, JSON.stringify(scout.errors));
    assert.equal(ids.length, msgs.length);

    const opts = options(protocol);
    const fs = recordingFs();
    const md = await Maildir.open(opts.maildir, { fs });
    const ref = { account: address, protocol, ...(protocol === "imap" ? { folder: "INBOX" } : {}) };
    const state = await StateStore.load(ref, { maildir: md.dir, fs });
    t.after(() => state.close());
    await state.recover(md);
    let uidValidity = 0;
    if (protocol === "imap") {
      // The state knows the UIDVALIDITY (as after an earlier pass) so the pass sees no change.
      const probe = await StateStore.load(ref, { maildir: scoutOpts.maildir, lock: false });
      uidValidity = probe.uidValidity ?? 0;
      assert.ok(uidValidity > 0, "UIDVALIDITY learned");
      state.setUidValidity(uidValidity);
      await state.flush();
    }
    // An earlier pass of this run: the files were renamed into new/, but the batch's commit never ran.
    for (const [i, id] of ids.entries()) {
      const key =
        protocol === "pop3"
          ? { account: address, protocol, id }
          : { account: address, protocol, folder: "INBOX", uidValidity, id: Number(id) };
      const d = await md.beginDelivery(deliveryName(key));
      await d.write(msgs[i] as Buffer);
      await d.commit();
    }
    const mark = fs.calls.length;

    // Every acknowledgement is recorded in the same call list as the file-system operations.
    if (protocol === "pop3") {
      const dele = Pop3Client.prototype.dele;
      Pop3Client.prototype.dele = function (this: Pop3Client, ...a: Parameters<typeof dele>) {
        fs.calls.push("ack");
        return dele.apply(this, a);
      };
      t.after(() => {
        Pop3Client.prototype.dele = dele;
      });
    } else {
      // The first acknowledging command: \Deleted is set before UID EXPUNGE.
      const store = ImapClient.prototype.storeDeleted;
      ImapClient.prototype.storeDeleted = function (this: ImapClient, ...a: Parameters<typeof store>) {
        fs.calls.push("ack");
        return store.apply(this, a);
      };
      t.after(() => {
        ImapClient.prototype.storeDeleted = store;
      });
    }

    const hooks = await Hooks.load(opts, join(md.dir, ".xoauth-mail"), accountHash(ref));
    const ctx = new FetchContext(opts, md, state, hooks);
    await (protocol === "pop3" ? pop3Pass : imapPass)(ctx, 1);

    const after = fs.calls.slice(mark);
    const firstAck = after.indexOf("ack");
    assert.ok(firstAck >= 0, `the pass acknowledged the messages: ${after.join(" ")}`);
    const sync = after.indexOf("fsyncDir:new");
    assert.ok(sync >= 0 && sync < firstAck, `fsync(new/) before the acknowledgement: ${after.join(" ")}`);
    const record = after.findIndex((c, i) => i > sync && c.startsWith("rename:state-"));
    assert.ok(record > sync && record < firstAck, `state recorded before the acknowledgement: ${after.join(" ")}`);
    for (const id of ids) assert.equal(state.isDelivered(protocol === "pop3" ? id : Number(id)), true);
    assert.equal(ctx.counters.fetched, 0, "nothing downloaded again");
  });
}
