/** What a secret file may look like: blank lines around the secret, a BOM, UTF-16 as Windows Notepad saves it. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readSecretFile } from "../../src/config/secrets.js";
import { decodeText } from "../../src/config/text.js";
import type { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";

const SECRET = "Abc8Q~xyz.secret_value-123";
let dir: string;
let n = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-secret-content-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(content: string | Buffer): string {
  const p = join(dir, `s${++n}`);
  writeFileSync(p, content, { mode: 0o600 });
  return p;
}

const read = (content: string | Buffer) => readSecretFile(secretFile(content), "client secret", "--client-secret-file");

function utf16be(s: string): Buffer {
  return Buffer.from(s, "utf16le").swap16();
}

describe("a secret file's text", () => {
  test("leading and trailing blank lines and whitespace are dropped (LF, CRLF, CR)", () => {
    assert.equal(read(`\n\n${SECRET}\n`), SECRET);
    assert.equal(read(`\r\n  ${SECRET}  \r\n\r\n`), SECRET);
    assert.equal(read(`\r\r${SECRET}\r`), SECRET);
    assert.equal(read(SECRET), SECRET);
  });

  test("UTF-8 with BOM, UTF-16LE and UTF-16BE with BOM (Notepad) and UTF-16LE without BOM are read", () => {
    assert.equal(read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${SECRET}\r\n`)])), SECRET);
    assert.equal(read(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${SECRET}\r\n`, "utf16le")])), SECRET);
    assert.equal(read(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(`${SECRET}\r\n`)])), SECRET);
    assert.equal(read(Buffer.from(`${SECRET}\n`, "utf16le")), SECRET);
    assert.equal(read(utf16be(`${SECRET}\n`)), SECRET);
  });

  test("an empty file, or one of blank lines only, says so", () => {
    for (const content of ["", "\n\n", " \r\n\t\n", Buffer.from([0xff, 0xfe])]) {
      assert.throws(
        () => read(content),
        (e: XoauthError) => e.code === "CONFIG_INVALID" && /is empty or holds only blank lines/.test(e.message),
      );
    }
  });

  test("two non-empty lines are refused rather than guessed at, without showing them", () => {
    assert.throws(
      () => read(`${SECRET}\nsecond-line-value\n`),
      (e: XoauthError) => {
        assert.equal(e.code, "CONFIG_INVALID");
        assert.match(e.message, /holds 2 non-empty lines; it must hold the client secret alone/);
        assert.ok(!e.message.includes(SECRET) && !e.message.includes("second-line-value"));
        assert.match(e.fix.join(" "), /chmod 600/);
        return true;
      },
    );
  });

  test("bytes that are no text (NUL) are named as such", () => {
    assert.throws(
      () => read(Buffer.from([0x61, 0x00, 0x00, 0x62, 0x63])),
      (e: XoauthError) => e.code === "CONFIG_INVALID" && /NUL bytes/.test(e.message),
    );
  });
});

describe("decodeText", () => {
  test("keeps UTF-8 as it is and decodes Latin-1 range UTF-16 without BOM", () => {
    assert.equal(decodeText(Buffer.from("Grüße: ä\n")), "Grüße: ä\n");
    assert.equal(decodeText(Buffer.from("# Grüße\nkey: 1\n", "utf16le")), "# Grüße\nkey: 1\n");
    assert.equal(decodeText(Buffer.from([0xfe, 0xff, 0x00, 0x61, 0x00])), "a", "odd trailing byte of UTF-16BE dropped");
  });
});
