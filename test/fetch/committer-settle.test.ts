/** BatchCommitter after a failed batch: later batches' background commits finish before finish() rejects. */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { BatchCommitter } from "../../src/fetch/committer.js";
import type { BatchItem, FetchContext } from "../../src/fetch/context.js";
import { nodeStoreFs, type StoreFs } from "../../src/store/fsops.js";
import type { DeliveryBatch } from "../../src/store/maildir.js";
import { Maildir } from "../../src/store/maildir.js";
import { deliveryName, keyHash } from "../../src/store/names.js";
import { tempDir } from "../harness/store-fs.js";

const key = (ref: number) => ({ account: "a@contoso.com", protocol: "pop3" as const, id: `U${ref}` });

test("when a batch's commit fails, finish() rejects only after the later batches' fsync+rename are done", async (t) => {
  const dir = await tempDir(t);
  // Messages 3 and 4 (the second batch) rename slowly: their commits outlive the first batch's failure.
  const slow = new Set([keyHash(key(3)), keyHash(key(4))]);
  const fs: StoreFs = {
    ...nodeStoreFs,
    async rename(from, to) {
      if ([...slow].some((h) => from.includes(h))) await new Promise((r) => setTimeout(r, 150));
      await nodeStoreFs.rename(from, to);
    },
  };
  const md = await Maildir.open(dir, { fs, spoolBytes: 1024 });
  let batches = 0;
  const ctx = {
    md,
    opts: {},
    batchMessages: 2,
    aborted: false,
    async commit(batch: DeliveryBatch<BatchItem>): Promise<number[]> {
      batches++;
      await batch.sync();
      throw new Error(`batch ${batches} failed`);
    },
  } as unknown as FetchContext;
  const acks: number[][] = [];
  const c = new BatchCommitter(ctx, async (refs) => {
    acks.push(refs);
  });
  for (let ref = 1; ref <= 4; ref++) {
    const name = deliveryName(key(ref));
    const d = await md.beginDelivery(name);
    await d.write(Buffer.from(`message ${ref}\r\n`));
    c.add(d, { id: `U${ref}`, record: `U${ref}`, ref, name, bytes: d.bytes });
  }
  await assert.rejects(c.finish(), /batch 1 failed/);
  assert.equal(c.failed, true);
  assert.equal(batches, 1, "no batch after the failed one is committed (recorded)");
  assert.deepEqual(acks, []);
  assert.deepEqual(await readdir(join(dir, "tmp")), [], "no commit is still running in tmp/");
  assert.equal((await readdir(join(dir, "new"))).length, 4);
});
