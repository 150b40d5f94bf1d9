/**
 * `xoauth-mail test` (BUILT CLI) against a real Dovecot 2.3 that validates the identity fake's RS256 tokens locally:
 * success over POP3S, POP3+STLS, IMAPS and submission+STARTTLS; TOKEN_EXPIRED and WRONG_AUDIENCE diagnosed.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cacheKey } from "../../src/auth/cache.js";
import { defaultSandboxTenant, type IdentityFake } from "../../src/sandbox/identity/index.js";
import { runCli } from "../harness/cli.js";
import { type Dovecot, describeDovecot } from "../harness/dovecot/dovecot.js";
import { cliJson, loginArgs } from "../harness/e2e.js";
import { type DovecotWorld, startWorld } from "../harness/world.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
const SECRET = app.secrets[0]?.value as string;
const MB = "info@contoso.onmicrosoft.com";

describeDovecot("xoauth-mail test against real Dovecot", () => {
  let fakes: DovecotWorld;
  let identity: IdentityFake;
  let dovecot: Dovecot;
  let dir: string;
  let n = 0;

  before(async () => {
    fakes = await startWorld({
      prefix: "xoauth-test-dovecot-",
      identity: { tenants: [tenant] },
      dovecot: { mailboxes: [MB] },
    });
    ({ identity, dovecot, dir } = fakes);
    await dovecot.deliver(
      MB,
      Buffer.from("From: a@b.example\r\nTo: info@contoso.onmicrosoft.com\r\nSubject: hi\r\n\r\nhello\r\n"),
    );
  });

  after(async () => {
    await fakes?.stop();
  });

  async function run(protocol: string, port: number, tls: string, extra: string[] = [], cacheDir?: string) {
    const r = await runCli(
      [
        "test",
        "--json",
        ...loginArgs({ ...fakes, tenantId: tenant.tenantId, clientId: app.clientId, mailbox: MB }),
        "--protocol",
        protocol,
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--tls",
        tls,
        ...extra,
      ],
      { env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: cacheDir ?? join(dir, `cache-${++n}`) } },
    );
    return { ...r, json: cliJson(r, `\n${dovecot.log().slice(-2000)}`) };
  }

  const ok = async (protocol: string, port: () => number, tls: string) => {
    const r = await run(protocol, port(), tls);
    assert.equal(r.json.diagnosis.code, "OK", `${JSON.stringify(r.json, null, 2)}\n${dovecot.log().slice(-2000)}`);
    assert.equal(r.code, 0);
    return r;
  };

  test("POP3S: OK, STAT sees the delivered message", async () => {
    const r = await ok("pop3", () => dovecot.ports.pop3s, "implicit");
    const mailbox = r.json.steps.find((s: { id: string }) => s.id === "mailbox");
    assert.match(mailbox.detail, /STAT: \d+ messages/);
  });
  test("POP3 + STLS: OK", async () => {
    await ok("pop3", () => dovecot.ports.pop3, "starttls");
  });
  test("IMAPS: OK", async () => {
    await ok("imap", () => dovecot.ports.imaps, "implicit");
  });
  test("submission + STARTTLS: OK", async () => {
    await ok("smtp", () => dovecot.ports.submission, "starttls");
  });

  test("an expired token is diagnosed as TOKEN_EXPIRED (Dovecot refuses it too)", async () => {
    const cacheDir = join(dir, "cache-expired");
    mkdirSync(cacheDir, { mode: 0o700 });
    const now = Math.floor(Date.now() / 1000);
    const token = identity.mintAccessToken({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 });
    const key = cacheKey({
      authorityHost: identity.url,
      tenantId: tenant.tenantId,
      clientId: app.clientId,
      scope: "https://outlook.office365.com/.default",
      credential: { kind: "secret", secret: SECRET, source: "env" } as never,
    });
    writeFileSync(
      join(cacheDir, "tokens.json"),
      JSON.stringify({ version: 1, entries: { [key]: { token, expiresOn: Date.now() + 3600_000 } } }),
      { mode: 0o600 },
    );
    const r = await run("imap", dovecot.ports.imaps, "implicit", [], cacheDir);
    assert.equal(r.json.diagnosis.code, "TOKEN_EXPIRED", JSON.stringify(r.json, null, 2));
    assert.equal(r.code, 3);
    assert.ok(r.json.steps.some((s: { id: string; ok: boolean }) => s.id === "auth" && !s.ok));
  });

  test("a Graph token is diagnosed as WRONG_AUDIENCE", async () => {
    const r = await run("pop3", dovecot.ports.pop3s, "implicit", ["--scope", "https://graph.microsoft.com/.default"]);
    assert.equal(r.json.diagnosis.code, "WRONG_AUDIENCE", JSON.stringify(r.json, null, 2));
    assert.equal(r.code, 3);
    assert.ok(r.json.steps.some((s: { id: string; ok: boolean }) => s.id === "auth" && !s.ok));
  });
});
