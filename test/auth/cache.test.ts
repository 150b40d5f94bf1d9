import assert from "node:assert/strict";
import { chmodSync, linkSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { cacheDir, cacheKey, DiskTokenCache } from "../../src/auth/cache.js";
import type { CredentialSetting } from "../../src/config/credential.js";

const dir = mkdtempSync(join(tmpdir(), "xoauth-cache-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const secret = (s: string): CredentialSetting => ({ kind: "secret", secret: s, source: "env" });
const parts = {
  authorityHost: "https://login.microsoftonline.com",
  tenantId: "t",
  clientId: "c",
  scope: "https://outlook.office365.com/.default",
  credential: secret("one"),
};

describe("cache key", () => {
  test("a changed secret, tenant, client, scope or authority gives a different key", () => {
    const k = cacheKey(parts);
    assert.notEqual(cacheKey({ ...parts, credential: secret("two") }), k);
    assert.notEqual(cacheKey({ ...parts, tenantId: "t2" }), k);
    assert.notEqual(cacheKey({ ...parts, clientId: "c2" }), k);
    assert.notEqual(cacheKey({ ...parts, scope: "https://outlook.office365.us/.default" }), k);
    assert.notEqual(cacheKey({ ...parts, authorityHost: "https://127.0.0.1:1" }), k);
    const cert: CredentialSetting = { kind: "certificate", pem: "P", path: "/x", source: "flag" };
    assert.notEqual(
      cacheKey({ ...parts, credential: { ...cert, password: "a" } }),
      cacheKey({ ...parts, credential: cert }),
    );
  });

  test("the same app gives the same key (case of IDs and a trailing slash do not matter) and holds no secret", () => {
    const k = cacheKey(parts);
    assert.equal(cacheKey({ ...parts, tenantId: "T", authorityHost: "https://login.microsoftonline.com/" }), k);
    assert.match(k, /^[0-9a-f]{64}$/);
  });
});

describe("disk cache", () => {
  test("stores 0600 in a 0700 directory and serves a fresh token back", () => {
    const c = new DiskTokenCache(join(dir, "a"));
    c.set("k", { token: "tok-abcdef", expiresOn: Date.now() + 3600_000 });
    assert.equal(statSync(c.file).mode & 0o777, 0o600);
    assert.equal(statSync(c.dir).mode & 0o777, 0o700);
    assert.equal(c.get("k")?.token, "tok-abcdef");
    assert.equal(c.get("other"), undefined);
  });

  test("a token within 5 minutes of expiry is not served", () => {
    const c = new DiskTokenCache(join(dir, "b"));
    c.set("k", { token: "tok-abcdef", expiresOn: Date.now() + 4 * 60_000 });
    assert.equal(c.get("k"), undefined);
  });

  test("a cache file others can read is ignored", () => {
    const c = new DiskTokenCache(join(dir, "c"));
    c.set("k", { token: "tok-abcdef", expiresOn: Date.now() + 3600_000 });
    chmodSync(c.file, 0o644);
    assert.equal(c.get("k"), undefined);
  });

  test("a symlinked or hard-linked cache file is ignored, even one pointing at a good 0600 file", () => {
    const c = new DiskTokenCache(join(dir, "d"));
    c.set("k", { token: "tok-abcdef", expiresOn: Date.now() + 3600_000 });
    assert.equal(c.get("k")?.token, "tok-abcdef", "the control");
    const elsewhere = join(dir, "d-elsewhere.json");
    renameSync(c.file, elsewhere);
    symlinkSync(elsewhere, c.file);
    assert.equal(c.get("k"), undefined, "symlink");
    rmSync(c.file);
    linkSync(elsewhere, c.file);
    assert.equal(c.get("k"), undefined, "second hard link");
  });

  test("the cache dir: XOAUTH_MAIL_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache", () => {
    assert.equal(cacheDir({ XOAUTH_MAIL_CACHE_DIR: "/x", XDG_CACHE_HOME: "/y" }), "/x");
    assert.equal(cacheDir({ XDG_CACHE_HOME: "/y" }), "/y/xoauth-mail");
    assert.equal(cacheDir({ HOME: "/home/u" }), "/home/u/.cache/xoauth-mail");
  });
});
