import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { extractAttachments } from "../../src/store/attachments.js";
import { MAX_NAME_BYTES, safeFileName } from "../../src/store/safename.js";
import { tempDir } from "../harness/store-fs.js";

function mime(parts: { filename?: string; encodedName?: string; content: Buffer; type?: string }[]): string {
  const b = "BOUNDARY-x1";
  const head = [
    "From: Alice Example <alice@contoso.com>",
    "To: ops@contoso.com, Bob <bob@contoso.com>",
    "Cc: Carol <carol@contoso.com>",
    "Subject: =?UTF-8?Q?Rechnung_M=C3=A4rz?=",
    "Date: Tue, 14 Nov 2023 10:00:00 +0000",
    "Message-ID: <inv-42@contoso.com>",
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${b}"`,
    "",
    `--${b}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Body text.",
  ];
  for (const p of parts) {
    const disp = p.encodedName ?? (p.filename === undefined ? "" : `; filename="${p.filename}"`);
    head.push(
      `--${b}`,
      `Content-Type: ${p.type ?? "application/octet-stream"}`,
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: attachment${disp}`,
      "",
      ...(p.content.toString("base64").match(/.{1,76}/g) ?? []),
    );
  }
  head.push(`--${b}--`, "");
  return head.join("\r\n");
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test("safeFileName neutralises traversal, device names, control and bidi characters, and caps the length", () => {
  assert.equal(safeFileName("../../etc/passwd"), "_.._etc_passwd");
  assert.equal(safeFileName("a/b\\c"), "a_b_c");
  assert.equal(safeFileName("CON"), "_CON");
  assert.equal(safeFileName("lpt1.txt"), "_lpt1.txt");
  assert.equal(safeFileName("...hidden"), "hidden");
  assert.equal(safeFileName("  trailing. . "), "trailing");
  assert.equal(safeFileName("evil\u202Etxt.exe"), "eviltxt.exe");
  assert.equal(safeFileName("a\r\nb\x00c\x1b"), "abc");
  assert.equal(safeFileName('x<y>z:"q"|?*'), "x_y_z__q____");
  assert.equal(safeFileName(""), "attachment");
  assert.equal(safeFileName(undefined), "attachment");
  assert.equal(safeFileName("...."), "attachment");
  assert.equal(safeFileName("Cafe\u0301.pdf"), "Caf\u00e9.pdf"); // NFC
  const long = safeFileName(`${"ä".repeat(500)}.pdf`);
  assert.ok(Buffer.byteLength(long) <= MAX_NAME_BYTES);
  assert.ok(long.endsWith("ä.pdf"));
});

test("attachments with hostile names are written inside outDir, never overwriting, with a sidecar", async (t) => {
  const dir = await tempDir(t);
  const out = join(dir, "att");
  const contents = [Buffer.from("root:x:0:0"), Buffer.from("con"), Buffer.from("abc"), Buffer.from([0, 1, 255])];
  const msg = mime([
    { filename: "../../etc/passwd", content: contents[0]! },
    { filename: "CON", content: contents[1]! },
    { filename: "a/b\\\\c", content: contents[2]! },
    { content: contents[3]! }, // no name
    { filename: "dup.txt", content: Buffer.from("one") },
    { filename: "dup.txt", content: Buffer.from("two") },
    { filename: `${"L".repeat(400)}.bin`, content: Buffer.from("long") },
  ]);
  const msgPath = join(dir, "1700000000.xm0123.host:2,S");
  await writeFile(msgPath, msg);
  await writeFile(join(dir, "att-existing"), "");
  const r = await extractAttachments(msgPath, out);

  const files = (await readdir(out)).sort();
  assert.equal(files.length, 8); // 7 attachments + sidecar
  for (const f of files) assert.equal((await stat(join(out, f))).isFile(), true);
  const names = r.attachments.map((a) => a.filename);
  assert.deepEqual(names.slice(0, 6), ["_.._etc_passwd", "_CON", "a_b_c", "attachment", "dup.txt", "dup-1.txt"]);
  assert.ok(Buffer.byteLength(names[6]!) <= MAX_NAME_BYTES && names[6]!.endsWith(".bin"));
  assert.equal(await readFile(join(out, "dup.txt"), "utf8"), "one");
  assert.equal(await readFile(join(out, "dup-1.txt"), "utf8"), "two");
  assert.equal(r.attachments[0]?.originalFilename, "../../etc/passwd");
  assert.equal(r.attachments[0]?.sha256, sha(contents[0]!));
  assert.equal(r.attachments[3]?.size, 3);
  assert.equal(r.attachments[3]?.path, join(out, "attachment"));

  assert.equal(r.sidecarPath, join(out, "1700000000.xm0123.host.json"));
  const side = JSON.parse(await readFile(r.sidecarPath, "utf8"));
  assert.deepEqual(side.from, [{ name: "Alice Example", address: "alice@contoso.com" }]);
  assert.deepEqual(side.to, [
    { name: "", address: "ops@contoso.com" },
    { name: "Bob", address: "bob@contoso.com" },
  ]);
  assert.deepEqual(side.cc, [{ name: "Carol", address: "carol@contoso.com" }]);
  assert.equal(side.subject, "Rechnung März");
  assert.equal(side.date, "2023-11-14T10:00:00.000Z");
  assert.equal(side.messageId, "<inv-42@contoso.com>");
  assert.equal(side.attachments.length, 7);
  assert.deepEqual(side.skipped, []);

  // Extracting again never overwrites: everything gets a suffix, including the sidecar.
  const r2 = await extractAttachments(msgPath, out);
  assert.equal(r2.attachments[0]?.filename, "_.._etc_passwd-1");
  assert.equal(r2.sidecarPath, join(out, "1700000000.xm0123.host-1.json"));
  assert.equal(await readFile(join(out, "dup.txt"), "utf8"), "one");
});

test("attachment count and byte caps skip the excess and list it in the sidecar", async (t) => {
  const dir = await tempDir(t);
  const msgPath = join(dir, "m");
  const big = Buffer.alloc(5000, 7);
  await writeFile(
    msgPath,
    mime([
      { filename: "a", content: Buffer.from("1") },
      { filename: "big", content: big },
      { filename: "c", content: Buffer.from("3") },
      { filename: "d", content: Buffer.from("4") },
    ]),
  );
  const r = await extractAttachments(msgPath, join(dir, "out"), { maxCount: 3, maxBytes: 1000 });
  assert.deepEqual(
    r.attachments.map((a) => a.filename),
    ["a", "c"],
  );
  assert.deepEqual(
    r.skipped.map((s) => [s.originalFilename, s.reason]),
    [
      ["big", "bytes"],
      ["d", "count"],
    ],
  );
  assert.deepEqual((await readdir(join(dir, "out"))).sort(), ["a", "c", "m.json"]);
});
