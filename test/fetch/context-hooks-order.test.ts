/** FetchContext.commit: the owed hooks are on disk before the state records the batch as delivered. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { BatchItem } from "../../src/fetch/context.js";
import { FetchContext } from "../../src/fetch/context.js";
import { Hooks } from "../../src/fetch/hooks.js";
import type { FetchOptions } from "../../src/fetch/types.js";
import { Maildir } from "../../src/store/maildir.js";
import { deliveryName } from "../../src/store/names.js";
import type { StateStore } from "../../src/store/state.js";
import { tempDir } from "../harness/store-fs.js";

test("a crash right after the state flush still leaves the --exec-required debt recorded (no delete without hook)", async (t) => {
  const dir = await tempDir(t);
  const md = await Maildir.open(join(dir, "md"));
  const hooks = await Hooks.load({ exec: "exit 0", execRequired: true }, dir, "acct");
  const hooksFile = join(dir, "hooks-acct.json");
  const log: string[] = [];
  const state = {
    markDelivered(records: unknown[]) {
      log.push(`mark:${records.join(",")}`);
    },
    async flush() {
      // What a run killed right after this flush would find on disk.
      const owed = await readFile(hooksFile, "utf8").catch(() => "(none)");
      log.push(`flush; owed on disk: ${owed}`);
    },
  } as unknown as StateStore;
  const ctx = new FetchContext({ delete: true } as FetchOptions, md, state, hooks);
  const batch = md.batch<BatchItem>();
  const name = deliveryName({ account: "a@contoso.com", protocol: "pop3", id: "UID-1" }, { host: "h" });
  const d = await md.beginDelivery(name);
  await d.write(Buffer.from("Subject: x\r\n\r\nbody\r\n"));
  batch.add(d, { id: "UID-1", record: "UID-1", ref: 1, name, bytes: d.bytes });
  const deletable = await ctx.commit(batch);
  assert.deepEqual(log, [
    "mark:UID-1",
    `flush; owed on disk: ${JSON.stringify([["UID-1", join(md.dir, "new", name)]])}`,
  ]);
  assert.deepEqual(deletable, [1], "the hook ran and succeeded, so the message may now be deleted");
  assert.equal(hooks.isPending("UID-1"), false);
});
