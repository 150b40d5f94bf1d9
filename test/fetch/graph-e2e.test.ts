/**
 * `fetch --protocol graph` end to end: the BUILT CLI with the real Graph client against the sandbox's Graph fake.
 * Byte-exact MIME in the Maildir, no duplicate after a 410 resync or a replayed delta page, and --move-to / --delete
 * / --mark-read visible on the fake.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { deliveredHashes, sha256, tmpFiles } from "../harness/fetch-env.js";
import { GRAPH_MAILBOX, type GraphFetchEnv, startGraphFetchEnv } from "../harness/graph-fetch-env.js";
import { plainMessage } from "../harness/messages.js";

describe("fetch --protocol graph against the Graph fake", () => {
  let env: GraphFetchEnv;
  let n = 0;
  before(async () => {
    env = await startGraphFetchEnv();
  });
  after(() => env?.stop());

  /** A fresh Inbox holding `count` new messages (the sample ones and earlier tests' are moved away). */
  function freshInbox(count: number): Buffer[] {
    const mb = env.world.graph.directory.findMailbox(GRAPH_MAILBOX);
    mb?.folders.get("INBOX")?.splice(0);
    const msgs = Array.from({ length: count }, () => plainMessage(++n, 400 + ((n * 7919) % 50_000)));
    for (const m of msgs) env.world.graph.directory.deliver(GRAPH_MAILBOX, m);
    return msgs;
  }

  async function fetchOk(md: string, extra: string[] = []) {
    const r = await env.cli(env.args(md, extra));
    assert.equal(r.code, 0, r.stderr + r.stdout);
    return JSON.parse(r.stdout) as { protocol: string; fetched: number; deleted: number; skipped: number };
  }

  it("delivers byte-exact MIME over several delta pages, a rerun fetches nothing; --move-to moves them", async () => {
    const msgs = freshInbox(130); // more than one delta page of 100
    env.world.graph.addFolder(GRAPH_MAILBOX, "Processed");
    const md = join(env.world.dir, "md-move");
    const s = await fetchOk(md, ["--move-to", "Processed"]);
    assert.equal(s.protocol, "graph");
    assert.equal(s.fetched, 130);
    assert.equal(s.deleted, 130);
    assert.deepEqual(deliveredHashes(md), msgs.map(sha256).sort());
    assert.deepEqual(tmpFiles(md), []);
    assert.equal(env.folder("INBOX").length, 0);
    assert.deepEqual(env.folder("Processed").map(sha256).sort(), msgs.map(sha256).sort());
    assert.equal((await fetchOk(md, ["--move-to", "Processed"])).fetched, 0);
  });

  it("an expired sync state (410) lists the folder again: only the new messages, no duplicate", async () => {
    const first = freshInbox(5);
    const md = join(env.world.dir, "md-410");
    assert.equal((await fetchOk(md)).fetched, 5);
    const later = [plainMessage(++n), plainMessage(++n)];
    for (const m of later) env.world.graph.directory.deliver(GRAPH_MAILBOX, m);
    assert.ok(env.world.graph.expireSyncStates() > 0);
    const s = await fetchOk(md);
    assert.equal(s.fetched, 2);
    assert.equal(s.skipped, 5);
    assert.deepEqual(deliveredHashes(md), [...first, ...later].map(sha256).sort());
  });

  it("a replayed delta page delivers nothing twice", async () => {
    const first = freshInbox(4);
    const md = join(env.world.dir, "md-replay");
    await fetchOk(md);
    const second = [plainMessage(++n)];
    env.world.graph.directory.deliver(GRAPH_MAILBOX, second[0] as Buffer);
    await fetchOk(md);
    env.world.graph.replayDelta(1);
    const s = await fetchOk(md);
    assert.equal(s.fetched, 0);
    assert.deepEqual(deliveredHashes(md), [...first, ...second].map(sha256).sort());
  });

  it("--delete puts the messages into Deleted Items; --mark-read marks them read and leaves them", async () => {
    const del = freshInbox(3);
    const mdDel = join(env.world.dir, "md-delete");
    assert.equal((await fetchOk(mdDel, ["--delete"])).deleted, 3);
    assert.equal(env.folder("INBOX").length, 0);
    const deleted = new Set(env.folder("Deleted Items").map(sha256));
    assert.ok(
      del.every((m) => deleted.has(sha256(m))),
      "in Deleted Items",
    );

    const read = freshInbox(3);
    const mdRead = join(env.world.dir, "md-read");
    await fetchOk(mdRead, ["--mark-read"]);
    const inbox = env.world.graph.directory.findMailbox(GRAPH_MAILBOX)?.folders.get("INBOX") ?? [];
    assert.equal(inbox.length, 3);
    assert.ok(inbox.every((m) => m.flags.has("\\Seen")));
    assert.deepEqual(deliveredHashes(mdRead), read.map(sha256).sort());
  });

  it("--move-to a folder that does not exist: FOLDER_NOT_FOUND, nothing downloaded", async () => {
    freshInbox(2);
    const md = join(env.world.dir, "md-nofolder");
    const r = await env.cli(env.args(md, ["--move-to", "Nope/Never"]));
    assert.equal(r.code, 4, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).errors[0].code, "FOLDER_NOT_FOUND");
    assert.deepEqual(deliveredHashes(md), []);
  });

  it("a config account with protocol: graph and graphUrl fetches over Graph (folder from the account)", async () => {
    const msgs = freshInbox(2);
    env.world.graph.addFolder(GRAPH_MAILBOX, "INBOX/Invoices");
    const invoices = [plainMessage(++n)];
    env.world.graph.directory.deliver(GRAPH_MAILBOX, invoices[0] as Buffer, "INBOX/Invoices");
    const w = env.world;
    const config = join(w.dir, "graph-config.yaml");
    writeFileSync(
      config,
      [
        "accounts:",
        "  erp:",
        `    tenantId: ${w.tenant.tenantId}`,
        `    clientId: ${w.app.clientId}`,
        `    secret: { file: ${join(w.dir, "secret.txt")} }`,
        `    authorityHost: ${w.identity.url}`,
        `    caFile: ${w.caFile}`,
        `    mailbox: ${GRAPH_MAILBOX}`,
        "    protocol: graph",
        `    graphUrl: ${w.graphUrl}`,
        `    maildir: ${join(w.dir, "md-config")}`,
        "    folder: Inbox/Invoices",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const r = await env.cli(["fetch", "--config", config, "--account", "erp", "--json"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const s = JSON.parse(r.stdout);
    assert.equal(s.protocol, "graph");
    assert.equal(s.fetched, 1);
    assert.deepEqual(deliveredHashes(join(w.dir, "md-config")), invoices.map(sha256));
    assert.equal(msgs.length, env.folder("INBOX").length, "the Inbox was not touched");
  });
});
