/** BatchCommitter: durability batches commit in arrival order, each acknowledged only after its own commit. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BatchCommitter } from "../../src/fetch/committer.js";
import type { BatchItem, FetchContext } from "../../src/fetch/context.js";
import type { DeliveryBatch } from "../../src/store/maildir.js";
import { Maildir } from "../../src/store/maildir.js";
import { deliveryName } from "../../src/store/names.js";
import { tempDir } from "../harness/store-fs.js";

/** A FetchContext whose commit() logs, waits `delayMs` for the first batch, and fails the batch numbered `failAt`. */
function fakeContext(md: Maildir, log: string[], opts: { failAt?: number; delayMs?: number } = {}): FetchContext {
  let batches = 0;
  return {
    md,
    opts: {},
    batchMessages: 2,
    aborted: false,
    async commit(batch: DeliveryBatch<BatchItem>): Promise<number[]> {
      const k = ++batches;
      log.push(`commit:${k}`);
      const { delivered } = await batch.sync();
      if (k === 1) await new Promise((r) => setTimeout(r, opts.delayMs ?? 30));
      if (k === opts.failAt) throw new Error(`batch ${k} failed`);
      log.push(`durable:${k}`);
      return delivered.map((d) => d.ref);
    },
  } as unknown as FetchContext;
}

async function deliver(md: Maildir, c: BatchCommitter, ref: number): Promise<void> {
  const name = deliveryName({ account: "a@contoso.com", protocol: "pop3", id: `U${ref}` });
  const d = await md.beginDelivery(name);
  await d.write(Buffer.from(`message ${ref}\r\n`));
  c.add(d, { id: `U${ref}`, record: `U${ref}`, ref, name, bytes: d.bytes });
}

test("batches commit one after another in arrival order, each acknowledged only after it is durable", async (t) => {
  const md = await Maildir.open(await tempDir(t), { spoolBytes: 1024 });
  const log: string[] = [];
  const c = new BatchCommitter(fakeContext(md, log), async (refs) => {
    log.push(`ack:${refs.join(",")}`);
  });
  for (let ref = 1; ref <= 5; ref++) await deliver(md, c, ref);
  await c.finish();
  assert.deepEqual(log, [
    "commit:1",
    "durable:1",
    "ack:1,2",
    "commit:2",
    "durable:2",
    "ack:3,4",
    "commit:3",
    "durable:3",
    "ack:5",
  ]);
  assert.equal(c.failed, false);
});

test("a failed commit acknowledges nothing after it, sets failed, and finish() throws it", async (t) => {
  const md = await Maildir.open(await tempDir(t), { spoolBytes: 1024 });
  const log: string[] = [];
  const c = new BatchCommitter(fakeContext(md, log, { failAt: 2 }), async (refs) => {
    log.push(`ack:${refs.join(",")}`);
  });
  for (let ref = 1; ref <= 6; ref++) await deliver(md, c, ref);
  await assert.rejects(c.finish(), /batch 2 failed/);
  assert.equal(c.failed, true);
  assert.deepEqual(log, ["commit:1", "durable:1", "ack:1,2", "commit:2"]);
});
