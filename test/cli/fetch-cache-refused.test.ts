/**
 * `fetch` with a token cache directory it refuses (others can write it): one warning that the token is requested on
 * every run, with the reason and the fix, in the user's language; nothing written there. A private one: no warning.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { dir, login, ports, runCli, SECRET, useFakes } from "../harness/e2e-fixture.js";

useFakes();

const args = (maildir: string) => [
  "fetch",
  ...login(),
  "--protocol",
  "pop3",
  "--host",
  "127.0.0.1",
  "--port",
  String(ports.pop3s),
  "--tls",
  "implicit",
  "--maildir",
  maildir,
];

test("fetch with a 0777 token cache: one warning with the reason and the fix, nothing written there", async () => {
  const open = join(dir, "fetch-open-cache");
  mkdirSync(open);
  chmodSync(open, 0o777);
  const r = await runCli(args(join(dir, "md-open")), {
    env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: open },
  });
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stderr.split("\n").filter((l) => l.includes("requested on every run"));
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0] ?? "", / warn +the access token is requested on every run, not cached: others can write /);
  assert.ok(warnings[0]?.endsWith(`chmod 700 ${open}`), warnings[0]);
  assert.deepEqual(readdirSync(open), []);

  const de = await runCli(args(join(dir, "md-open-de")), {
    env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: open, LANG: "de_DE.UTF-8" },
  });
  assert.equal(de.code, 0, de.stderr);
  assert.match(de.stderr, /das Zugriffstoken wird bei jedem Lauf neu angefordert, nicht zwischengespeichert: /);
});

test("fetch with a private token cache: no such warning (the control)", async () => {
  const env = { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, "fetch-private-cache") };
  const r = await runCli(args(join(dir, "md-private")), { env });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /requested on every run/);
});
