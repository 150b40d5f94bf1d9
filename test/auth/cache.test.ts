import assert from "node:assert/strict";
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { cacheDir, cacheKey, DIR_RECHECK_MS, DiskTokenCache } from "../../src/auth/cache.js";
import { cacheDirRefusal, readCacheFile } from "../../src/auth/cache-dir.js";
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

  test("a directory others can write is refused, not repaired: nothing read from it or written to it", () => {
    const c = new DiskTokenCache(join(dir, "e"));
    c.set("k", { token: "tok-abcdef", expiresOn: Date.now() + 3600_000 });
    chmodSync(c.dir, 0o777);
    const again = new DiskTokenCache(c.dir);
    assert.deepEqual(again.refusal, { dir: c.dir, problem: "others-write", mode: 0o777 });
    assert.equal(again.get("k"), undefined, "a valid 0600 token file in it is not served");
    again.set("k2", { token: "tok-2", expiresOn: Date.now() + 3600_000 });
    assert.equal(statSync(c.dir).mode & 0o777, 0o777, "the mode is left as it is");
    chmodSync(c.dir, 0o700);
    assert.equal(new DiskTokenCache(c.dir).get("k2"), undefined, "nothing was written while refused");
    assert.equal(new DiskTokenCache(c.dir).get("k")?.token, "tok-abcdef", "the control: private again, served");
    chmodSync(c.dir, 0o770);
    assert.equal(cacheDirRefusal(c.dir)?.problem, "others-write", "group-writable too");
  });

  test("a long-running process sees a directory made private, or opened to others, within DIR_RECHECK_MS", () => {
    let now = 1_000_000;
    const c = new DiskTokenCache(join(dir, "recheck"), () => now);
    c.set("k", { token: "tok-abcdef", expiresOn: Date.now() + 3600_000 });
    chmodSync(c.dir, 0o777);
    assert.equal(c.get("k")?.token, "tok-abcdef", "decided before the chmod: still used until the next check");
    now += DIR_RECHECK_MS;
    assert.equal(c.refusal?.problem, "others-write");
    assert.equal(c.get("k"), undefined, "given up once checked again");
    chmodSync(c.dir, 0o700); // what `token --decode` and `test` tell the admin to do
    now += DIR_RECHECK_MS - 1;
    assert.equal(c.get("k"), undefined, "a verdict stands for DIR_RECHECK_MS");
    now += 1;
    assert.equal(c.refusal, undefined);
    assert.equal(c.get("k")?.token, "tok-abcdef", "used again without a restart");
    chmodSync(c.dir, 0o777);
    c.set("k2", { token: "tok-2", expiresOn: Date.now() + 3600_000 });
    chmodSync(c.dir, 0o700);
    assert.equal(
      new DiskTokenCache(c.dir).get("k2"),
      undefined,
      "a write checks the directory first, whatever the clock",
    );
  });

  test("a directory only readable by others is used and made 0700; a file in its place is refused", () => {
    const d = join(dir, "f");
    mkdirSync(d, { mode: 0o755 });
    chmodSync(d, 0o755);
    const c = new DiskTokenCache(d);
    assert.equal(c.refusal, undefined);
    c.set("k", { token: "tok-abcdef", expiresOn: Date.now() + 3600_000 });
    assert.equal(statSync(d).mode & 0o777, 0o700);
    assert.equal(c.get("k")?.token, "tok-abcdef");
    const file = join(dir, "g");
    writeFileSync(file, "x");
    assert.equal(cacheDirRefusal(file)?.problem, "not-directory");
    assert.equal(cacheDirRefusal(join(dir, "missing")), undefined, "made 0700 on the first write");
    assert.equal(cacheDirRefusal(d, "win32"), undefined);
  });

  test("Windows (no POSIX modes): a cache file is not refused for its mode there", () => {
    const f = join(dir, "win.json");
    writeFileSync(f, "{}", { mode: 0o644 });
    chmodSync(f, 0o644);
    assert.equal(readCacheFile(f, 100), undefined, "POSIX: 0644 refused");
    assert.equal(readCacheFile(f, 100, "win32")?.toString(), "{}");
  });

  test("the cache dir: XOAUTH_MAIL_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache", () => {
    assert.equal(cacheDir({ XOAUTH_MAIL_CACHE_DIR: "/x", XDG_CACHE_HOME: "/y" }), "/x");
    assert.equal(cacheDir({ XDG_CACHE_HOME: "/y" }), "/y/xoauth-mail");
    assert.equal(cacheDir({ HOME: "/home/u" }), "/home/u/.cache/xoauth-mail");
  });
});
