/**
 * Local file-system failures are STORE_ERROR (exit 6) saying what failed (path + OS error), why, and the fix; an fs
 * error that escaped its store operation is caught by the safety net (never UNEXPECTED, "a bug"); other errors pass.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { cliError, errorJson, formatError } from "../../src/cli/output.js";
import { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { setLang } from "../../src/i18n/index.js";
import { asStoreError, storeError } from "../../src/store/fs-errors.js";
import { StateStore } from "../../src/store/state.js";
import { tempDir } from "../harness/store-fs.js";

/** The error Node gives for a failed fs call. */
function fsErr(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const text: Record<string, string> = {
    ENOSPC: "no space left on device",
    EACCES: "permission denied",
    EROFS: "read-only file system",
    ENOTDIR: "not a directory",
  };
  const e: NodeJS.ErrnoException = new Error(
    `${code}: ${text[code] ?? "failed"}, ${syscall}${path ? ` '${path}'` : ""}`,
  );
  return Object.assign(e, { code, syscall, errno: -1, ...(path ? { path } : {}) });
}

describe("storeError with an fs cause", () => {
  test("ENOSPC on write: the path and the OS error, the file system is full, df -h, nothing lost", () => {
    const e = storeError("Cannot write /md/tmp/x", fsErr("ENOSPC", "write"), { path: "/md/tmp/x" });
    assert.equal(e.code, "STORE_ERROR");
    assert.equal(e.exitCode, 6);
    assert.equal(e.message, "Cannot write /md/tmp/x: no space left on device (ENOSPC)");
    assert.match(e.why ?? "", /full/);
    assert.ok(e.fix.some((f) => f.includes("df -h /md/tmp/x")));
    assert.ok(e.fix.some((f) => /stay on the server/.test(f)));
  });

  test("EACCES on mkdir: names the user, and the chown / chmod of the directory that holds the new name", () => {
    const e = storeError("Cannot create the state directory", fsErr("EACCES", "mkdir", "/md/.xoauth-mail"));
    assert.match(e.message, /^Cannot create the state directory: permission denied \(EACCES\)$/);
    assert.match(e.why ?? "", /may not write \/md\b/);
    assert.ok(
      e.fix.some((f) => /chown -R \S+ \/md && chmod -R u\+rwX \/md/.test(f)),
      e.fix.join("\n"),
    );
    assert.ok(e.fix.some((f) => f.includes("--maildir")));
  });

  test("EPERM is explained like EACCES, EROFS names findmnt and --maildir", () => {
    assert.match(storeError("x", fsErr("EPERM", "rename", "/md/new/a")).why ?? "", /may not write \/md\/new/);
    const ro = storeError("x", fsErr("EROFS", "mkdir", "/md/.xoauth-mail"));
    assert.match(ro.why ?? "", /read-only/);
    assert.ok(ro.fix.some((f) => f.includes("findmnt -T /md")));
  });

  test("Node's own message in ours becomes 'what (CODE)'; a message naming the code already is kept", () => {
    const e = storeError("Cannot deliver a: ENOSPC: no space left on device, write", fsErr("ENOSPC", "write"));
    assert.equal(e.message, "Cannot deliver a: no space left on device (ENOSPC)");
    const chained = storeError("Cannot deliver a: Cannot write t: no space left on device (ENOSPC)", e);
    assert.equal(chained.message, "Cannot deliver a: Cannot write t: no space left on device (ENOSPC)");
  });

  test("German texts", () => {
    setLang("de");
    try {
      assert.match(storeError("x", fsErr("ENOSPC", "write", "/md/tmp/a")).why ?? "", /voll/);
    } finally {
      setLang("en");
    }
  });

  test("without an fs cause it is a plain STORE_ERROR", () => {
    const e = storeError("State file damaged", new SyntaxError("bad json"));
    assert.equal(e.why, undefined);
    assert.deepEqual(e.fix, []);
  });
});

describe("asStoreError (the safety net)", () => {
  test("a raw fs error, and one wrapped as UNEXPECTED, become STORE_ERROR; the CLI exits 6 and prints the fix", () => {
    const raw = fsErr("ENOSPC", "write");
    for (const e of [raw, new XoauthError("UNEXPECTED", raw.message, { cause: raw })]) {
      const s = asStoreError(e);
      assert.equal(s?.code, "STORE_ERROR");
      assert.equal(cliError(e).exitCode, 6);
    }
    const text = formatError(raw);
    assert.match(text, /\[STORE_ERROR\]: Cannot write/);
    assert.match(text, /df -h/);
    assert.equal(errorJson(cliError(raw)).code, "STORE_ERROR");
  });

  test("a STORE_ERROR made without why/fix gets them; other errors pass untouched", () => {
    const bare = new XoauthError("STORE_ERROR", "Cannot write the message file", { cause: fsErr("ENOSPC", "write") });
    assert.match(asStoreError(bare)?.why ?? "", /full/);
    const sock = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" });
    assert.equal(asStoreError(sock), undefined);
    assert.equal(cliError(sock).code, "UNEXPECTED");
    assert.equal(asStoreError(new XoauthError("TIMEOUT", "slow")), undefined);
    assert.equal(asStoreError(new Error("a bug")), undefined);
  });
});

describe("store operations on a broken file system (no root needed)", () => {
  test("a file where the Maildir's parent directory should be: ENOTDIR, STORE_ERROR", async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, "file"), "x");
    const err = await StateStore.load(
      { account: "a@b.c", protocol: "pop3" },
      { maildir: join(dir, "file", "md") },
    ).then(
      () => assert.fail("must not load"),
      (e: unknown) => e as XoauthError,
    );
    assert.equal(err.code, "STORE_ERROR");
    assert.match(err.message, /ENOTDIR/);
    assert.match(err.why ?? "", /is a file where a directory is expected/);
  });

  test("a file named .xoauth-mail: EEXIST says what is there", async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, "md"));
    await writeFile(join(dir, "md", ".xoauth-mail"), "x");
    const err = await StateStore.load({ account: "a@b.c", protocol: "pop3" }, { maildir: join(dir, "md") }).then(
      () => assert.fail("must not load"),
      (e: unknown) => e as XoauthError,
    );
    assert.equal(err.code, "STORE_ERROR");
    assert.match(err.message, /\.xoauth-mail.*EEXIST/);
    assert.ok(
      err.fix.some((f) => f.includes(`ls -ld ${join(dir, "md", ".xoauth-mail")}`)),
      err.fix.join("\n"),
    );
  });
});
