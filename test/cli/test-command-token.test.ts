/** End to end through the BUILT CLI against the identity + Exchange fakes: token and claims. */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { cacheKey } from "../../src/auth/cache.js";
import {
  app,
  dir,
  expectCode,
  IMAP_ONLY,
  identity,
  login,
  NO_ROLES,
  runCli,
  runTest,
  SECRET,
  server,
  TENANT,
  useFakes,
} from "../harness/e2e-fixture.js";

useFakes();

describe("token and claims", () => {
  test("CLIENT_SECRET_INVALID from the token stage passes through (exit 3)", async () => {
    const r = await runCli(["test", "--json", ...login(), ...server("pop3")], {
      env: { AZURE_CLIENT_SECRET: "wrong-secret-value", XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-bad") },
    });
    const json = JSON.parse(r.stdout);
    assert.equal(json.diagnosis.code, "CLIENT_SECRET_INVALID");
    assert.equal(r.code, 3);
    assert.match(json.diagnosis.summary, /7000215/);
  });

  const tokenCodes: [number, string][] = [
    [90002, "TENANT_NOT_FOUND"],
    [90038, "WRONG_CLOUD"],
    [700016, "APP_NOT_FOUND"],
    [7000222, "CLIENT_SECRET_EXPIRED"],
    [700024, "CLOCK_SKEW"],
    [53003, "CONDITIONAL_ACCESS_BLOCKED"],
  ];
  for (const [aadsts, code] of tokenCodes) {
    test(`AADSTS${aadsts} -> ${code} (exit 3)`, async () => {
      identity.script.clear();
      identity.script.forceAadsts(aadsts, 5);
      try {
        expectCode(await runTest(server("pop3")), code, 3);
      } finally {
        identity.script.clear();
      }
    });
  }

  test("USAGE without a mailbox (exit 2)", async () => {
    const r = await runCli(["test", "--json", "--tenant-id", TENANT, "--client-id", app.clientId], {
      env: { AZURE_CLIENT_SECRET: SECRET },
    });
    assert.equal(JSON.parse(r.stdout).diagnosis.code, "USAGE");
    assert.equal(r.code, 2);
  });

  test("PERMISSION_MISSING: no roles claim at all; the login is still attempted and refused", async () => {
    const r = await runTest(server("pop3"), { client: NO_ROLES.clientId });
    expectCode(r, "PERMISSION_MISSING", 3);
    assert.match(r.json.diagnosis.summary, /no roles claim/);
    assert.ok(r.json.steps.some((s: { id: string; ok: boolean }) => s.id === "auth" && !s.ok));
  });

  test("PERMISSION_MISSING: the protocol's role is absent", async () => {
    const r = await runTest(server("pop3"), { client: IMAP_ONLY.clientId });
    expectCode(r, "PERMISSION_MISSING", 3);
    assert.match(r.json.diagnosis.summary, /POP\.AccessAsApp/);
  });

  test("WRONG_AUDIENCE: a Graph token", async () => {
    const r = await runTest([...server("imap"), "--scope", "https://graph.microsoft.com/.default"]);
    expectCode(r, "WRONG_AUDIENCE", 3);
  });

  test("TOKEN_EXPIRED: an expired token from the cache", async () => {
    const cacheDir = join(dir, "cache-expired");
    mkdirSync(cacheDir, { mode: 0o700 });
    const now = Math.floor(Date.now() / 1000);
    const token = identity.mintAccessToken({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 });
    const key = cacheKey({
      authorityHost: identity.url,
      tenantId: TENANT,
      clientId: app.clientId,
      scope: "https://outlook.office365.com/.default",
      credential: { kind: "secret", secret: SECRET, source: "env" } as never,
    });
    writeFileSync(
      join(cacheDir, "tokens.json"),
      JSON.stringify({ version: 1, entries: { [key]: { token, expiresOn: Date.now() + 3600_000 } } }),
      { mode: 0o600 },
    );
    const r = await runTest(server("pop3"), { cacheDir });
    expectCode(r, "TOKEN_EXPIRED", 3);
  });
});
