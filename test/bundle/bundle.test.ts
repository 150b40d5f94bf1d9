/**
 * The one-file distribution (scripts/bundle.mjs, bundle-check.mjs, bundle-release.mjs, bundle-zip.mjs): the bundle
 * alone in an empty directory runs the demo and `test --protocol all` against the sandbox; the release's zip and
 * third-party notices.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { inflateRawSync } from "node:zlib";
import { REPO_ROOT } from "../harness/cli.js";

/** The scripts are plain .mjs (no types): loaded by URL. */
async function script(name: string) {
  return import(pathToFileURL(join(REPO_ROOT, "scripts", name)).href);
}

test("the bundle alone in an empty directory: --version, demo, sandbox + test --protocol all, lazy msal", (t) => {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "scripts", "bundle-check.mjs")], {
    encoding: "utf8",
    timeout: 170_000,
  });
  if (r.status === 3) {
    t.skip(`the bundle cannot be built here: ${r.stderr.trim()}`);
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /demo ok/);
  assert.match(r.stderr, /sandbox \+ test --protocol all ok \(4 protocols\)/);
  assert.match(r.stderr, /--help initialises \d+ packages, not @azure\/msal-node/);
  assert.match(r.stderr, /code cache ok \(2 files, reused unchanged, broken ones replaced/);
});

test("crc32 is ZIP's (check value of '123456789' is 0xCBF43926)", async () => {
  const { crc32 } = await script("bundle-zip.mjs");
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
});

test("the zip holds each file once, deflated, with its name, size, CRC and Unix mode", async () => {
  const { zipArchive, crc32 } = await script("bundle-zip.mjs");
  const files = [
    { name: "x-1/xoauth-mail.mjs", data: Buffer.from("#!/usr/bin/env node\n".repeat(50)), mode: 0o755 },
    { name: "x-1/docs/ä.md", data: Buffer.from("Grüße\n"), mode: 0o644 },
  ];
  const zip: Buffer = zipArchive(files);
  const end = zip.length - 22;
  assert.equal(zip.readUInt32LE(end), 0x06054b50);
  assert.equal(zip.readUInt16LE(end + 10), 2);
  let at = zip.readUInt32LE(end + 16);
  for (const f of files) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50);
    const nameLen = zip.readUInt16LE(at + 28);
    assert.equal(zip.toString("utf8", at + 46, at + 46 + nameLen), f.name);
    assert.equal(zip.readUInt32LE(at + 16), crc32(f.data));
    assert.equal(zip.readUInt32LE(at + 38) >>> 16, 0o100000 | f.mode);
    const local = zip.readUInt32LE(at + 42);
    assert.equal(zip.readUInt32LE(local), 0x04034b50);
    const packed = zip.readUInt32LE(local + 18);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    assert.deepEqual(inflateRawSync(zip.subarray(dataAt, dataAt + packed)), f.data);
    at += 46 + nameLen;
  }
});

test("third-party notices carry each bundled package's licence and refuse a package without one", async () => {
  const { thirdPartyNotices } = await script("bundle-release.mjs");
  const dir = mkdtempSync(join(tmpdir(), "xoauth-notices-"));
  try {
    const pkg = (name: string, licence?: string) => {
      const at = join(dir, "node_modules", name);
      mkdirSync(join(at, "lib"), { recursive: true });
      writeFileSync(join(at, "package.json"), JSON.stringify({ name, version: "1.2.3", license: "MIT" }));
      writeFileSync(join(at, "lib", "index.js"), "module.exports = 1;\n");
      if (licence) writeFileSync(join(at, "LICENSE"), licence);
      return join(at, "lib", "index.js");
    };
    const good = pkg("good-pkg", "MIT License\nCopyright (c) Good\n");
    const text: string = thirdPartyNotices({ inputs: { [good]: {} } }, "9.9.9");
    assert.match(text, /good-pkg 1\.2\.3 -- licence: MIT\n=+\n\nMIT License\nCopyright \(c\) Good\n/);
    const bad = pkg("no-licence-pkg");
    assert.throws(() => thirdPartyNotices({ inputs: { [good]: {}, [bad]: {} } }, "9.9.9"), /no-licence-pkg 1\.2\.3/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
