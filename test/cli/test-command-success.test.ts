/** End to end through the BUILT CLI against the identity + Exchange fakes: success. */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  app,
  dir,
  exchange,
  expectCode,
  login,
  NO_ROLES,
  runCli,
  runTest,
  SECRET,
  server,
  useFakes,
} from "../harness/e2e-fixture.js";

useFakes();

describe("success", () => {
  for (const p of ["pop3", "pop3-stls", "imap", "smtp"] as const) {
    test(`OK over ${p}, with every step passed and the claims in the JSON`, async () => {
      const r = await runTest(server(p));
      expectCode(r, "OK", 0);
      const ids = r.json.steps.map((s: { id: string }) => s.id);
      assert.deepEqual(ids.slice(0, 3), ["options", "token", "claims"]);
      assert.ok(ids.includes("auth") && ids.includes("mailbox") && ids.includes("logout"), ids.join());
      assert.ok(r.json.steps.every((s: { ok: boolean }) => s.ok));
      assert.equal(r.json.claims.appid, app.clientId);
      assert.equal(r.json.claims.oid, app.servicePrincipalObjectId);
      assert.equal(r.json.server.host, "127.0.0.1");
      assert.doesNotMatch(r.stdout + r.stderr, /eyJ[A-Za-z0-9_-]{8,}\./);
    });
  }

  test("SMTP with --send-test-to delivers one message", async () => {
    const before = exchange.sent.length;
    const r = await runTest([...server("smtp"), "--send-test-to", "someone@fabrikam.example"]);
    expectCode(r, "OK", 0);
    assert.equal(exchange.sent.length, before + 1);
    assert.ok(r.json.steps.some((s: { id: string; ok: boolean }) => s.id === "send" && s.ok));
  });

  test("human output fits on one screen and the transcript is redacted", async () => {
    const r = await runCli(["test", ...login(), ...server("pop3"), "--verbose"], {
      env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-human") },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.ok(lines.length <= 24, r.stdout);
    assert.match(r.stdout, /✓ Authenticate \(XOAUTH2\)/);
    assert.match(r.stdout, /✓ POP3 XOAUTH2 login to info@contoso\.onmicrosoft\.com/);
    assert.match(r.stderr, /C: AUTH XOAUTH2/);
    assert.doesNotMatch(r.stderr, /dXNlcj1[A-Za-z0-9+/=]{16,}|eyJ[A-Za-z0-9_-]{8,}\./);
  });

  test("a refused token cache: the token step's note gives the reason and the fix whole, in text and --json", async () => {
    // A long path, so that the note is far longer than the 140 characters a step's detail is cut to.
    const open = join(dir, "a-shared-cache-directory-that-everyone-on-this-machine-may-write-into", "xoauth");
    mkdirSync(open, { recursive: true });
    chmodSync(open, 0o777);
    const env = { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: open };
    const r = await runCli(["test", ...login(), ...server("pop3")], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split("\n");
    const i = lines.findIndex((l) => l.includes("✓ Access token"));
    assert.ok(i >= 0, r.stdout);
    assert.doesNotMatch(lines[i] ?? "", /not cached/, "the step line keeps its detail only");
    const note = lines[i + 1] ?? "";
    assert.match(note, /^ {40}not cached: others can write .* \(mode 0777\)/);
    assert.ok(note.endsWith(`chmod 700 ${open}`), note);
    const j = await runTest(server("pop3"), { cacheDir: open });
    const token = j.json.steps.find((s: { id: string }) => s.id === "token");
    assert.match(token.detail, /^from the token endpoint/);
    assert.ok(token.note.endsWith(`chmod 700 ${open}`), token.note);
    assert.deepEqual(readdirSync(open), [], "nothing written into it");
  });

  test("--protocol all gives {ok, results} with one result per protocol", async () => {
    const r = await runCli(
      [
        "test",
        "--json",
        "--protocol",
        "all",
        ...login({ client: NO_ROLES.clientId }),
        "--host",
        "127.0.0.1",
        "--port",
        "1",
      ],
      { env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-all") } },
    );
    const json = JSON.parse(r.stdout);
    assert.equal(json.ok, false);
    assert.deepEqual(
      json.results.map((x: { protocol: string }) => x.protocol),
      ["pop3", "imap", "smtp"],
    );
    assert.ok(json.results.every((x: { diagnosis: { code: string } }) => x.diagnosis.code === "PERMISSION_MISSING"));
    assert.equal(r.code, 3);
  });
});
