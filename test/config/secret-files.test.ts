/**
 * Files that hold a secret (client secret, certificate with its key, certificate password) and configs with an
 * inline secret are refused unless their owner alone can read them. Tests run as root, which can read anything, so
 * they test the MODE, not access(2).
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { assertInlineSecretsPrivate, assertOwnerOnly } from "../../src/config/privacy.js";
import { resolveSettings } from "../../src/config/settings.js";
import { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { createTestPki } from "../../src/sandbox/pki.js";

const T1 = "11111111-1111-4111-8111-111111111111";
const C1 = "33333333-3333-4333-8333-333333333333";
const quiet = { warn: () => {} };
const ids = { tenantId: T1, clientId: C1 };

let dir: string;
let certPem: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-secret-files-"));
  certPem = createTestPki().issueClientCert("app").combinedPem;
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer, mode: number): string {
  const p = join(dir, name);
  writeFileSync(p, content, { mode });
  chmodSync(p, mode);
  return p;
}

/** CONFIG_INVALID (exit 2) naming the file, its mode and the exact chmod that fixes it. */
function refusedFor(path: string, mode: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof XoauthError, String(e));
    assert.equal(e.code, "CONFIG_INVALID");
    assert.equal(e.exitCode, 2);
    assert.ok(e.message.includes(path), e.message);
    assert.match(e.message, new RegExp(`group or others \\(mode ${mode}\\)`));
    assert.ok(e.fix.join(" ").includes(`chmod 600 ${path}`), e.fix.join(" "));
    return true;
  };
}

describe("a secret file that group or others can read is refused", () => {
  for (const mode of [0o640, 0o604, 0o644]) {
    const m = mode.toString(8).padStart(4, "0");
    test(`--client-secret-file at ${m}`, async () => {
      const p = file(`s-${m}`, "client-secret-value\n", mode);
      await assert.rejects(resolveSettings({ ...ids, clientSecretFile: p }, {}, quiet), refusedFor(p, m));
    });
  }

  test("0600 and 0400 are accepted", async () => {
    for (const mode of [0o600, 0o400]) {
      const p = file(`ok-${mode}`, "client-secret-value\n", mode);
      const s = await resolveSettings({ ...ids, clientSecretFile: p }, {}, quiet);
      assert.deepEqual(s.credential, { kind: "secret", secret: "client-secret-value", source: "flag-file" });
    }
  });

  test("secret: {file} in the config, a certificate and its password file are checked the same way", async () => {
    const secret = file("cfg-secret", "client-secret-value\n", 0o644);
    const cfg = file(
      "ref.yaml",
      `accounts:\n  a: {tenantId: ${T1}, clientId: ${C1}, secret: {file: ${secret}}}\n`,
      0o644,
    );
    await assert.rejects(resolveSettings({ config: cfg }, {}, quiet), refusedFor(secret, "0644"));

    const cert = file("open.pem", certPem, 0o640);
    await assert.rejects(resolveSettings({ ...ids, certificate: cert }, {}, quiet), refusedFor(cert, "0640"));
    await assert.rejects(
      resolveSettings(ids, { AZURE_CLIENT_CERTIFICATE_PATH: cert }, quiet),
      refusedFor(cert, "0640"),
    );

    const closedCert = file("closed.pem", certPem, 0o600);
    const pw = file("pw", "cert-password-value\n", 0o604);
    const cfg2 = file(
      "cert.yaml",
      `accounts:\n  a: {tenantId: ${T1}, clientId: ${C1}, certificate: {path: ${closedCert}, passwordFile: ${pw}}}\n`,
      0o644,
    );
    await assert.rejects(resolveSettings({ config: cfg2 }, {}, quiet), refusedFor(pw, "0604"));
  });

  test("a symlink is judged by the mode of the file it points to", async () => {
    const open = file("target-open", "client-secret-value\n", 0o644);
    const closed = file("target-closed", "client-secret-value\n", 0o600);
    const toOpen = join(dir, "link-open");
    const toClosed = join(dir, "link-closed");
    symlinkSync(open, toOpen);
    symlinkSync(closed, toClosed);
    await assert.rejects(resolveSettings({ ...ids, clientSecretFile: toOpen }, {}, quiet), refusedFor(toOpen, "0644"));
    const s = await resolveSettings({ ...ids, clientSecretFile: toClosed }, {}, quiet);
    assert.equal(s.credential.kind === "secret" && s.credential.secret, "client-secret-value");
  });

  test("a path with a space gets a chmod that can be pasted into a shell", () => {
    assert.throws(
      () => assertOwnerOnly("/srv/my secrets/app's", 0o644, "client secret", "--client-secret-file", "linux"),
      (e: XoauthError) => e.fix.join(" ").includes(`chmod 600 '/srv/my secrets/app'\\''s'`),
    );
  });

  test("Windows has no POSIX modes: a secret file is not checked there (its ACL decides)", () => {
    assert.doesNotThrow(() => assertOwnerOnly("C:\\s", 0o666, "client secret", "--client-secret-file", "win32"));
    assert.throws(() => assertOwnerOnly("/s", 0o644, "client secret", "--client-secret-file", "aix"), XoauthError);
  });
});

describe("a config file with an inline secret", () => {
  const body = (extra = "") =>
    `defaultAccount: a\naccounts:\n  a: {tenantId: ${T1}, clientId: ${C1}, clientSecret: inline-secret-value}\n${extra}`;

  for (const mode of [0o644, 0o640, 0o604]) {
    const m = mode.toString(8).padStart(4, "0");
    test(`is refused at ${m}, naming the key`, async () => {
      const cfg = file(`inline-${m}.yaml`, body(), mode);
      await assert.rejects(resolveSettings({ config: cfg }, {}, quiet), (e: unknown) => {
        refusedFor(cfg, m)(e);
        assert.match((e as Error).message, /inline secret \(accounts\.a\.clientSecret\)/);
        assert.match((e as XoauthError).fix.join(" "), /secret: \{file: PATH\}/);
        assert.ok(!(e as Error).message.includes("inline-secret-value"));
        return true;
      });
    });
  }

  test("is refused even when the run uses another account, and for a password in a proxy URL", async () => {
    const other = `  b: {tenantId: ${T1}, clientId: ${C1}, secret: {env: B_SECRET}}\n`;
    const cfg = file("two.yaml", body().replace("accounts:\n", `accounts:\n${other}`), 0o644);
    await assert.rejects(
      resolveSettings({ config: cfg, account: "b" }, { B_SECRET: "b-secret-value" }, quiet),
      refusedFor(cfg, "0644"),
    );
    const proxy = file(
      "proxy.yaml",
      `defaults:\n  proxy: http://user:proxy-password@proxy.contoso.com:3128\naccounts:\n  b: {tenantId: ${T1}, clientId: ${C1}, secret: {env: B_SECRET}}\n`,
      0o644,
    );
    await assert.rejects(resolveSettings({ config: proxy }, { B_SECRET: "b-secret-value" }, quiet), (e: unknown) => {
      refusedFor(proxy, "0644")(e);
      assert.match((e as Error).message, /defaults\.proxy \(password\)/);
      return true;
    });
  });

  test("is accepted at 0600; a config without inline secrets may stay 0644", async () => {
    const closed = file("inline-0600.yaml", body(), 0o600);
    const s = await resolveSettings({ config: closed }, {}, quiet);
    assert.equal(s.credential.kind === "secret" && s.credential.source, "config-inline");
    const secret = file("ref-secret", "client-secret-value\n", 0o600);
    const open = file(
      "no-inline.yaml",
      `defaults:\n  proxy: http://proxy.contoso.com:3128\naccounts:\n  a: {tenantId: ${T1}, clientId: ${C1}, secret: {file: ${secret}}}\n`,
      0o644,
    );
    const s2 = await resolveSettings({ config: open }, {}, quiet);
    assert.equal(s2.credential.kind === "secret" && s2.credential.secret, "client-secret-value");
  });

  test("on Windows an inline secret is refused whatever the mode, with the icacls advice", () => {
    assert.throws(
      () => assertInlineSecretsPrivate("C:\\x\\config.yaml", 0o666, ["accounts.a.clientSecret"], "win32"),
      (e: XoauthError) => {
        assert.equal(e.code, "CONFIG_INVALID");
        assert.match(e.message, /on Windows/);
        assert.match(e.fix.join(" "), /icacls PATH \/inheritance:r \/grant:r "%USERNAME%:R"/);
        return true;
      },
    );
    assert.doesNotThrow(() => assertInlineSecretsPrivate("C:\\x\\config.yaml", 0o666, [], "win32"));
  });
});
