import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { after, describe, test } from "node:test";
import { XoauthError } from "../../src/errors.js";
import { isAddress, parseAddressList } from "../../src/send/address.js";
import { checkComposeFiles } from "../../src/send/message.js";
import { headerEnd, messageIdOf, openRawSource } from "../../src/send/source.js";

const dir = mkdtempSync(join(tmpdir(), "xoauth-send-unit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function drain(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function chunked(parts: (string | Buffer)[]): Readable {
  return Readable.from(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
}

async function usage(p: Promise<unknown>, re: RegExp, code = "USAGE"): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof XoauthError && e.code === code && re.test(e.message));
}

describe("raw message source", () => {
  test("streams every byte unchanged, across chunk boundaries in and after the header", async () => {
    const parts = [
      "From: a@b.example\r\nMessage-",
      "ID:\r\n <x1@b.example>\r\n",
      "\r\nbody\n.dot\r\n",
      Buffer.from([0, 255, 13]),
    ];
    const src = await openRawSource("-", { stdin: chunked(parts) });
    assert.equal(src.messageId, "<x1@b.example>");
    assert.deepEqual(await drain(src.stream), Buffer.concat(parts.map((p) => Buffer.from(p))));
    assert.equal(src.error(), undefined);
  });

  test("reads a file; a message without Message-ID has none (none is invented)", async () => {
    const f = join(dir, "a.eml");
    writeFileSync(f, "Subject: x\n\nhello\n");
    const src = await openRawSource(f);
    assert.equal(src.messageId, undefined);
    assert.equal((await drain(src.stream)).toString(), "Subject: x\n\nhello\n");
  });

  test("stops with LIMIT_EXCEEDED once the body passes the bound, and remembers the error", async () => {
    const src = await openRawSource("-", {
      stdin: chunked(["A: b\r\n\r\n", "x".repeat(50), "y".repeat(50)]),
      maxBytes: 80,
    });
    await assert.rejects(drain(src.stream), /larger than 80 bytes/);
    assert.equal(src.error()?.code, "LIMIT_EXCEEDED");
  });

  test("a file over the bound is refused before anything is read", async () => {
    const f = join(dir, "big.eml");
    writeFileSync(f, `A: b\r\n\r\n${"x".repeat(100)}`);
    await usage(openRawSource(f, { maxBytes: 50 }), /larger than 50 bytes/, "LIMIT_EXCEEDED");
  });

  test("empty input, a non-message, a missing file and a directory are usage errors", async () => {
    await usage(openRawSource("-", { stdin: chunked([]) }), /is empty/);
    await usage(openRawSource("-", { stdin: chunked(["just text\r\n"]) }), /does not start with a header field/);
    await usage(openRawSource("-", { stdin: chunked(["From a@b Mon Jan 1\nSubject: x\n\n"]) }), /header field/);
    await usage(openRawSource(join(dir, "missing.eml")), /does not exist/);
    await usage(openRawSource(dir), /not a regular file/);
  });

  test("does not wait for the end of stdin before returning: the header section is enough", async () => {
    const stdin = new PassThrough();
    stdin.write("Subject: s\r\n\r\nfirst");
    const src = await openRawSource("-", { stdin });
    stdin.end("-last");
    assert.equal((await drain(src.stream)).toString(), "Subject: s\r\n\r\nfirst-last");
  });

  test("headerEnd and messageIdOf", () => {
    assert.equal(headerEnd(Buffer.from("A: b\r\n\r\nx")), 8);
    assert.equal(headerEnd(Buffer.from("A: b\n\nx")), 6);
    assert.equal(headerEnd(Buffer.from("A: b\r\n")), -1);
    assert.equal(messageIdOf("Subject: x\r\nmessage-id:   <a@b>  \r\n"), "<a@b>");
    assert.equal(messageIdOf("Subject: x\r\n"), undefined);
  });
});

describe("envelope addresses", () => {
  test("accepts plain addresses, also internationalized ones", () => {
    for (const a of ["a@b.example", "first.last+tag@sub.contoso.com", "jörg@müller.example", "x_y-z@a-b.co"]) {
      assert.ok(isAddress(a), a);
    }
  });

  test("rejects display names, brackets, missing parts, spaces, CRLF injection and overlong values", () => {
    const bad = [
      "Bob <b@c.example>",
      "<b@c.example>",
      "b@c",
      "@c.example",
      "b@",
      "a b@c.example",
      "a@c.example\r\nRCPT TO:<x@y.z>",
      `${"a".repeat(250)}@c.example`,
      "a@-c.example",
    ];
    for (const a of bad) assert.ok(!isAddress(a), a);
  });

  test("repeatable flags split on commas, trim, and name the flag in the error", () => {
    assert.deepEqual(parseAddressList(["a@b.example, c@d.example", "e@f.example"], "--to"), [
      "a@b.example",
      "c@d.example",
      "e@f.example",
    ]);
    assert.deepEqual(parseAddressList(undefined, "--cc"), []);
    assert.throws(
      () => parseAddressList(["a@b.example,Bob <b@c.example>"], "--cc"),
      (e: unknown) => e instanceof XoauthError && e.code === "USAGE" && /^--cc "Bob <b@c.example>"/.test(e.message),
    );
  });
});

describe("composed message files", () => {
  test("attachments are bounded with their base64 growth; missing files are usage errors", () => {
    const f = join(dir, "att.bin");
    writeFileSync(f, Buffer.alloc(300));
    const fields = { from: "a@b.example", to: ["c@d.example"], cc: [], subject: "s", body: "b", attachments: [f] };
    checkComposeFiles(fields, 1000);
    assert.throws(
      () => checkComposeFiles(fields, 400),
      (e: unknown) => e instanceof XoauthError && e.code === "LIMIT_EXCEEDED",
    );
    assert.throws(
      () => checkComposeFiles({ ...fields, attachments: [join(dir, "nope")] }),
      (e: unknown) => e instanceof XoauthError && e.code === "USAGE" && /attachment .* does not exist/.test(e.message),
    );
    assert.throws(
      () => checkComposeFiles({ ...fields, body: undefined, bodyFile: dir }),
      (e: unknown) =>
        e instanceof XoauthError && e.code === "USAGE" && /body file .* not a regular file/.test(e.message),
    );
  });
});
