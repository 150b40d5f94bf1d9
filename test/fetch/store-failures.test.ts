/**
 * fetch into a local store that fails: a full disk (tmpfs of 2 MB), a read-only Maildir without `.xoauth-mail`
 * (tmpfs remounted read-only: permission bits do not stop root), an unwritable state file. Each run ends with
 * STORE_ERROR (exit 6) naming the path, the OS error, why and the fix — never UNEXPECTED ("a bug") — and every
 * message that is not stored is still on the server.
 * The mounts need root and mount(8) (CI runs as root); elsewhere those tests are skipped with the reason.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { XoauthError } from "../../src/errors.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import "../../src/i18n/catalogs.js";
import { accountHash } from "../../src/store/state.js";
import { address, exo, options } from "../harness/exchange-world.js";
import { deliveredHashes, sha256 } from "../harness/fetch-env.js";
import { plainMessage } from "../harness/messages.js";

const mounts: string[] = [];

/** A fresh tmpfs of `size` (e.g. "2m"), or the reason it cannot be had here. */
function tmpfs(size: string): string | { skip: string } {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return { skip: "needs root on Linux to mount a tmpfs" };
  const dir = mkdtempSync(join(tmpdir(), "xoauth-tmpfs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir], { stdio: "pipe" });
  } catch (err) {
    rmdirSync(dir);
    return { skip: `mount -t tmpfs failed: ${(err as Error).message.split("\n")[0]}` };
  }
  mounts.push(dir);
  return dir;
}

after(() => {
  for (const dir of mounts.splice(0)) {
    execFileSync("umount", ["-l", dir], { stdio: "pipe" });
    rmdirSync(dir);
  }
});

/** Fresh mailbox content: the given messages only. */
function fill(messages: Buffer[]): void {
  const mb = exo.directory.findMailbox(address);
  mb?.folders.get("INBOX")?.splice(0);
  for (const m of messages) exo.directory.deliver(address, m);
}

/** sha256 of the messages still on the server. */
function onServer(): string[] {
  const inbox = exo.directory.findMailbox(address)?.folders.get("INBOX") ?? [];
  return inbox.map((m) => sha256(m.raw)).sort();
}

/** The run failed with STORE_ERROR saying `errno`, and no message is lost: each is stored or still on the server. */
function assertStoreFailure(
  s: Awaited<ReturnType<typeof fetchAccount>>,
  errno: string,
  maildir: string,
  all: Buffer[],
): XoauthError {
  assert.equal(s.ok, false);
  const err = s.error as XoauthError;
  assert.equal(err.code, "STORE_ERROR", `${err.code}: ${err.message}`);
  assert.equal(err.exitCode, 6);
  assert.match(err.message, new RegExp(`\\(${errno}\\)|${errno}:`), err.message);
  assert.ok(err.why, "says why");
  assert.ok(err.fix.length >= 2, "says what to do");
  const stored = new Set(deliveredHashes(maildir));
  const server = new Set(onServer());
  for (const m of all) assert.ok(stored.has(sha256(m)) || server.has(sha256(m)), "a message is lost");
  return err;
}

describe("fetch into a full disk (tmpfs 2 MB)", () => {
  for (const protocol of ["pop3", "imap"] as const) {
    it(`${protocol}: STORE_ERROR ENOSPC, df -h in the fix, the message that did not fit stays on the server`, (t) => {
      const mnt = tmpfs("2m");
      if (typeof mnt !== "string") return t.skip(mnt.skip);
      // a small one (spooled, written at commit) and a 3 MB one (streamed into tmp/ while downloading)
      const big = plainMessage(2, 3 * 1024 * 1024);
      const msgs = [plainMessage(1, 3000), big, plainMessage(3, 3000)];
      fill(msgs);
      const maildir = join(mnt, "md");
      return fetchAccount(options(protocol, { maildir, retries: 0 })).then((s) => {
        const err = assertStoreFailure(s, "ENOSPC", maildir, msgs);
        assert.match(err.why ?? "", /full/);
        assert.ok(err.fix.some((f) => f.startsWith("See the free space: df -h ")));
        assert.ok(onServer().includes(sha256(big)), "the message that did not fit was not deleted");
      });
    });
  }
});

describe("fetch into a read-only Maildir", () => {
  it("without .xoauth-mail (tmpfs remounted read-only): STORE_ERROR EROFS naming .xoauth-mail, nothing fetched", async (t) => {
    const mnt = tmpfs("1m");
    if (typeof mnt !== "string") return t.skip(mnt.skip);
    const maildir = join(mnt, "md");
    for (const sub of ["tmp", "new", "cur"]) mkdirSync(join(maildir, sub), { recursive: true });
    execFileSync("mount", ["-o", "remount,ro", mnt], { stdio: "pipe" });
    const msgs = [plainMessage(1, 3000)];
    fill(msgs);
    const s = await fetchAccount(options("pop3", { maildir }));
    const err = assertStoreFailure(s, "EROFS", maildir, msgs);
    assert.match(err.message, /\.xoauth-mail/);
    assert.ok(
      err.fix.some((f) => f.includes(`findmnt -T ${maildir}`)),
      err.fix.join("\n"),
    );
    assert.ok(err.fix.some((f) => f.includes("--maildir")));
    assert.deepEqual(onServer(), msgs.map(sha256));
  });
});

describe("fetch with an unwritable state file (no root needed)", () => {
  for (const protocol of ["pop3", "imap"] as const) {
    it(`${protocol}: the state's temporary file is a directory: STORE_ERROR EISDIR, nothing deleted on the server`, async () => {
      const msgs = [plainMessage(1, 3000), plainMessage(2, 3000)];
      fill(msgs);
      const o = options(protocol, { retries: 0 });
      const folder = protocol === "imap" ? { folder: "INBOX" } : {};
      const hash = accountHash({ account: o.account, protocol, ...folder });
      mkdirSync(join(o.maildir, ".xoauth-mail", `state-${hash}.json.tmp`), { recursive: true });
      const s = await fetchAccount(o);
      const err = assertStoreFailure(s, "EISDIR", o.maildir, msgs);
      assert.match(err.message, /state/);
      assert.deepEqual(onServer(), msgs.map(sha256).sort(), "the state was never written: nothing may be deleted");
    });
  }
});
