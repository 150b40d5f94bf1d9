/**
 * `fetch` flags that only make sense with Microsoft Graph, and --idle that does not: USAGE (exit 2) with what
 * happened, why and the next step, in English and German, before any network traffic.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { runCli } from "../harness/cli.js";

const BASE = [
  "fetch",
  "--mailbox",
  "erp@contoso.com",
  "--maildir",
  "/nonexistent/md",
  "--tenant-id",
  "11111111-1111-1111-1111-111111111111",
  "--client-id",
  "22222222-2222-2222-2222-222222222222",
  "--client-secret",
  "not-used-secret-value",
];

it("fetch --protocol graph --idle: USAGE, Graph has no IDLE (change notifications need a public HTTPS endpoint)", async () => {
  const r = await runCli([...BASE, "--protocol", "graph", "--idle"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--idle needs --protocol imap/);
  assert.match(r.stderr, /public HTTPS endpoint/);
  assert.match(r.stderr, /--every 1m/);
  const de = await runCli([...BASE, "--protocol", "graph", "--idle"], { env: { LANG: "de_DE.UTF-8" } });
  assert.equal(de.code, 2);
  assert.match(de.stderr, /--idle braucht --protocol imap/);
});

it("fetch --move-to / --mark-read over IMAP or POP3: USAGE naming --protocol graph, in English and German", async () => {
  const r = await runCli([...BASE, "--protocol", "imap", "--move-to", "Processed"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--move-to works only with --protocol graph, not with imap/);
  const de = await runCli([...BASE, "--mark-read"], { env: { LANG: "de_DE.UTF-8" } });
  assert.equal(de.code, 2, de.stderr);
  assert.match(de.stderr, /--mark-read geht nur mit --protocol graph, nicht mit pop3/);
});

it("fetch --move-to with --delete: USAGE, they exclude each other", async () => {
  const r = await runCli([...BASE, "--protocol", "graph", "--move-to", "Processed", "--delete"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--move-to and --delete exclude each other/);
});
