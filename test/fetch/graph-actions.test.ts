/**
 * Server actions of `fetch --protocol graph` (--move-to, --delete, --mark-read) against the in-memory GraphClient
 * double: only after the file is durable and the ledger says so, FOLDER_NOT_FOUND before any download, an interrupted
 * action retried without a second download, and the ledger forgetting messages that left the folder.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { XoauthError } from "../../src/errors.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import { keyHash } from "../../src/store/names.js";
import { accountHash } from "../../src/store/state.js";
import { deliveredHashes, sha256, tmpFiles } from "../harness/fetch-env.js";
import { tempDir } from "../harness/store-fs.js";
import { ACCOUNT, fill, GraphDouble, options, stateOf } from "./graph-double.js";

/** Is the message's file in new/ and its id in the state file on disk (not just in memory)? */
function durable(dir: string, id: string): boolean {
  const hash = keyHash({ account: ACCOUNT, protocol: "graph", folder: "inbox", id });
  const inNew = readdirSync(join(dir, "new")).some((n) => n.includes(hash));
  const file = join(
    dir,
    ".xoauth-mail",
    `state-${accountHash({ account: ACCOUNT, protocol: "graph", folder: "inbox" })}.json`,
  );
  const recorded = existsSync(file) && (JSON.parse(readFileSync(file, "utf8")).graph?.delivered ?? []).includes(id);
  return inNew && recorded;
}

for (const [flag, over, check] of [
  [
    "--move-to Processed",
    { moveTo: "Processed" },
    (g: GraphDouble, n: number) => g.inFolder("f-processed").length === n,
  ],
  ["--delete", { delete: true }, (g: GraphDouble, n: number) => g.inFolder("f-deleted").length === n],
  [
    "--mark-read",
    { markRead: true },
    (g: GraphDouble, n: number) => g.inFolder("f-inbox").filter((id) => g.messages.get(id)?.isRead).length === n,
  ],
] as const) {
  it(`graph ${flag}: each message acted upon only once its file is durable and recorded`, async (t) => {
    const dir = await tempDir(t);
    const g = new GraphDouble();
    const msgs = fill(g, 10);
    const early: string[] = [];
    g.beforeAction = (_kind, id) => {
      if (!durable(dir, id)) early.push(id);
    };
    const s = await fetchAccount(options(g, dir, { ...over, batchMessages: 3 }));
    assert.equal(s.ok, true, JSON.stringify(s.errors));
    assert.deepEqual(early, [], "no action before durability");
    assert.equal(check(g, 10), true, g.calls.join("\n"));
    assert.equal(s.deleted, flag === "--mark-read" ? 0 : 10);
    assert.deepEqual(deliveredHashes(dir), msgs.map(sha256).sort());
    assert.deepEqual(stateOf(dir).graph.owed, []);
  });
}

it("graph --move-to a folder that does not exist: FOLDER_NOT_FOUND before any download", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  fill(g, 3);
  const s = await fetchAccount(options(g, dir, { moveTo: "Archive/Nope" }));
  assert.equal(s.ok, false);
  assert.equal(s.error?.code, "FOLDER_NOT_FOUND");
  assert.deepEqual(
    g.calls.filter((c) => c.startsWith("mime")),
    [],
  );
  assert.deepEqual(deliveredHashes(dir), []);
});

it("graph: an interrupted action is retried by the next run, without downloading the message again", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  const msgs = fill(g, 6);
  const ids = g.inFolder("f-inbox");
  let failed = false;
  g.beforeAction = (kind, id) => {
    if (kind === "delete" && id === ids[4] && !failed) {
      failed = true;
      throw new XoauthError("CONNECTION_CLOSED", "The connection was closed.");
    }
  };
  const s1 = await fetchAccount(options(g, dir, { delete: true, batchMessages: 2 }));
  assert.equal(s1.ok, false);
  assert.equal(s1.error?.code, "CONNECTION_CLOSED");
  assert.ok(stateOf(dir).graph.owed.includes(ids[4] as string), "the cut-off action is owed");
  g.calls.length = 0;
  const s2 = await fetchAccount(options(g, dir, { delete: true }));
  assert.equal(s2.ok, true, JSON.stringify(s2.errors));
  assert.equal(s2.fetched, 0);
  assert.deepEqual(
    g.calls.filter((c) => c.startsWith("mime")),
    [],
    "nothing downloaded twice",
  );
  // A retried delete is a move to Deleted Items: a second DELETE would remove it from there for good.
  assert.ok(g.calls.includes(`move ${ids[4]} f-deleted`), g.calls.join("\n"));
  assert.equal(
    g.calls.some((c) => c.startsWith("delete")),
    false,
  );
  assert.deepEqual(g.inFolder("f-inbox"), []);
  assert.deepEqual(deliveredHashes(dir), msgs.map(sha256).sort());
  assert.deepEqual(stateOf(dir).graph.owed, []);
});

it("graph: messages that left the folder are forgotten by the ledger once their round is complete", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  fill(g, 4);
  await fetchAccount(options(g, dir, { moveTo: "processed" }));
  assert.equal(stateOf(dir).graph.delivered.length, 4);
  const s = await fetchAccount(options(g, dir, { moveTo: "processed" }));
  assert.equal(s.fetched, 0);
  assert.equal(stateOf(dir).graph.delivered.length, 0, "the @removed entries pruned the ledger");
});

it("graph --limit: the delta link is not advanced past messages not yet delivered", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  const msgs = fill(g, 7);
  const s1 = await fetchAccount(options(g, dir, { limit: 4 }));
  assert.equal(s1.fetched, 4);
  assert.equal(stateOf(dir).graph.deltaLink, undefined);
  const s2 = await fetchAccount(options(g, dir));
  assert.equal(s2.fetched, 3);
  assert.equal(s2.skipped, 4);
  assert.deepEqual(deliveredHashes(dir), msgs.map(sha256).sort());
});

it("graph: a stop request leaves no partial file and no delta link; the next run finishes exactly once", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  const msgs = fill(g, 9);
  const ac = new AbortController();
  const ids = g.inFolder("f-inbox");
  // Stopped while the fifth download starts (SIGTERM/SIGINT in the CLI): downloads in flight are dropped.
  g.holdMime = (id) => {
    if (id === ids[4]) ac.abort();
    return undefined;
  };
  const s1 = await fetchAccount(options(g, dir, { signal: ac.signal, batchMessages: 2 }));
  g.holdMime = undefined;
  assert.ok(s1.fetched >= 1 && s1.fetched < 9, String(s1.fetched));
  assert.deepEqual(tmpFiles(dir), []);
  assert.equal(stateOf(dir).graph.deltaLink, undefined);
  const s2 = await fetchAccount(options(g, dir));
  assert.equal(s1.fetched + s2.fetched, 9);
  assert.deepEqual(deliveredHashes(dir), msgs.map(sha256).sort());
});

it("graph --exec-required failing: the message stays in the folder, its action owed", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  fill(g, 2);
  const s = await fetchAccount(options(g, dir, { moveTo: "Processed", exec: "exit 3", execRequired: true }));
  assert.equal(s.error?.code, "EXEC_FAILED");
  assert.equal(g.inFolder("f-processed").length, 0);
  assert.equal(stateOf(dir).graph.owed.length >= 1, true);
});

it("graph --move-to the folder being fetched: USAGE before any download", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  fill(g, 2);
  const s = await fetchAccount(options(g, dir, { folder: "Inbox/Invoices", moveTo: "inbox/invoices" }));
  assert.equal(s.error?.code, "USAGE");
  assert.deepEqual(
    g.calls.filter((c) => c.startsWith("mime")),
    [],
  );
});

it("graph --move-to: a message found by file name only is owed at once (a failure later in the page cannot record it as settled)", async (t) => {
  const dir = await tempDir(t);
  const g = new GraphDouble();
  g.pageSize = 20; // the recovered messages and the failing download in one delta page
  const msgs = fill(g, 20);
  const ids = g.inFolder("f-inbox");
  // Run 1 delivers five; then the state is lost: their files are in new/, unrecorded (a crash between the two).
  assert.equal((await fetchAccount(options(g, dir, { limit: 5 }))).ok, true);
  rmSync(join(dir, ".xoauth-mail"), { recursive: true, force: true });
  // Run 2 finds those five by file name, then a download in the same page fails.
  g.holdMime = (id) =>
    ids.indexOf(id) === 5
      ? new Promise((_, reject) => setImmediate(() => reject(new XoauthError("GRAPH_ERROR", "broken download"))))
      : undefined;
  const failed = await fetchAccount(options(g, dir, { moveTo: "Processed", batchMessages: 1 }));
  assert.equal(failed.ok, false);
  g.holdMime = undefined;
  // Run 3 must still move the five it never acted upon.
  const s = await fetchAccount(options(g, dir, { moveTo: "Processed" }));
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.deepEqual(g.inFolder("f-inbox"), [], g.calls.join("\n"));
  assert.equal(g.inFolder("f-processed").length, 20);
  assert.deepEqual(deliveredHashes(dir), msgs.map(sha256).sort());
});
