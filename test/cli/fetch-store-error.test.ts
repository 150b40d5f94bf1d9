/**
 * `fetch` into a Maildir path that cannot be created (a file where a directory is expected): exit 6, STORE_ERROR with
 * the path and the OS error, why, and the next step (never exit 1 "a bug"); --json carries the same code.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { dir, login, ports, runCli, SECRET, useFakes } from "../harness/e2e-fixture.js";

useFakes();

test("fetch --maildir under a regular file: STORE_ERROR (exit 6) with ENOTDIR, why and --maildir in the fix", async () => {
  const file = join(dir, "not-a-dir");
  writeFileSync(file, "x");
  const maildir = join(file, "Maildir");
  const args = ["fetch", ...login(), "--protocol", "pop3", "--host", "127.0.0.1", "--port", String(ports.pop3s)];
  const env = { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-fetch-store") };
  const r = await runCli([...args, "--tls", "implicit", "--maildir", maildir], { env });
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /\[STORE_ERROR\]: Cannot open Maildir \S+not-a-dir\/Maildir: not a directory \(ENOTDIR\)\n/);
  assert.match(r.stderr, /is a file where a directory is expected/);
  assert.match(r.stderr, /--maildir DIR/);
  const j = await runCli([...args, "--tls", "implicit", "--maildir", maildir, "--json"], { env });
  assert.equal(j.code, 6);
  assert.match(j.stdout, /"code": "STORE_ERROR"/);
});
