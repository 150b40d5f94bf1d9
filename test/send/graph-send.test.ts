import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, describe, test } from "node:test";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { XoauthError } from "../../src/errors.js";
import { xHeaders } from "../../src/send/graph-draft.js";
import {
  bccLine,
  choosePath,
  DEFAULT_SEND_LIMITS,
  envelopeOnly,
  type GraphSendLimits,
  headerAddresses,
  headerOnly,
  maxMimeBytes,
} from "../../src/send/graph-mime.js";
import { sendViaGraph } from "../../src/send/graph-send.js";
import { chunkRanges, isSmallAttachment, UPLOAD_CHUNK_BYTES } from "../../src/send/graph-upload.js";
import { type Call, SendDouble } from "./graph-double.js";

const spoolRoot = mkdtempSync(join(tmpdir(), "xoauth-graph-send-unit-"));
after(() => rmSync(spoolRoot, { recursive: true, force: true }));

const SMALL_EML = Buffer.from(
  'From: Reports <sender@contoso.com>\r\nTo: ops@contoso.com\r\nCc: "Finance, Team" <fin@contoso.com>\r\n' +
    "Subject: Nightly\r\nMessage-ID: <n1@contoso.com>\r\n\r\nSee attachment.\r\n",
);

function ops(calls: Call[]): string[] {
  return calls.map((c) => c.op);
}

function tooLarge(e: unknown): boolean {
  return e instanceof XoauthError && e.code === "MESSAGE_TOO_LARGE" && /nothing was sent/.test(e.message);
}

describe("graph send: path and headers", () => {
  test("sendMail takes MIME up to 3 MiB (its base64 is 4 MiB); one byte more goes the draft path", () => {
    assert.equal(maxMimeBytes(), 3 * 1024 * 1024);
    assert.equal(choosePath(3 * 1024 * 1024), "mime");
    assert.equal(choosePath(3 * 1024 * 1024 + 1), "draft");
    assert.equal(choosePath(0), "mime");
  });

  test("header addresses: folded fields, groups, quoted display names, bare LF", () => {
    const h = headerAddresses(
      'From: A <a@x.com>\nTo: b@x.com,\n  "C, D" <c@x.com>\nCc: team: e@x.com, f@x.com;\nbcc: G@x.com\n\n',
    );
    assert.deepEqual(h, {
      from: "a@x.com",
      to: ["b@x.com", "c@x.com"],
      cc: ["e@x.com", "f@x.com"],
      bcc: ["G@x.com"],
      eol: "\n",
    });
    assert.equal(headerAddresses(SMALL_EML).eol, "\r\n");
  });

  test("envelope-only recipients are compared case-insensitively and listed once; header-only ones are reported", () => {
    const h = headerAddresses("To: Ops@contoso.com\r\nBcc: audit@contoso.com\r\n\r\n");
    const env = ["ops@contoso.com", "cfo@contoso.com", "CFO@contoso.com", "audit@contoso.com"];
    assert.deepEqual(envelopeOnly(env, h), ["cfo@contoso.com"]);
    assert.deepEqual(headerOnly(["ops@contoso.com"], h), ["audit@contoso.com"]);
    assert.equal(bccLine(["a@x.com", "b@x.com"], "\r\n").toString(), "Bcc: a@x.com,\r\n b@x.com\r\n");
    assert.equal(bccLine([], "\n").length, 0);
  });

  test("X- headers for internetMessageHeaders: unfolded, name as written, no other header", () => {
    const lines = [
      { key: "x-erp-batch", line: "X-ERP-Batch: 2024-06\r\n\tnight" },
      { key: "message-id", line: "Message-ID: <a@b>" },
      { key: "x-empty", line: "X-Empty:" },
    ];
    assert.deepEqual(xHeaders(lines), [
      { name: "X-ERP-Batch", value: "2024-06\tnight" },
      { name: "X-Empty", value: "" },
    ]);
  });

  test("upload ranges cover every byte once, each at most the chunk; 320 KiB multiples under 4 MiB", () => {
    assert.equal(UPLOAD_CHUNK_BYTES % (320 * 1024), 0);
    assert.ok(UPLOAD_CHUNK_BYTES <= DEFAULT_SEND_LIMITS.maxRequestBytes);
    assert.deepEqual(chunkRanges(10, 4), [
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
    assert.deepEqual(chunkRanges(8, 4).at(-1), { start: 4, end: 8 });
    assert.deepEqual(chunkRanges(0, 4), []);
    const six = chunkRanges(6 * 1024 * 1024);
    assert.equal(six.length, 2);
    assert.equal(six[1]?.end, 6 * 1024 * 1024);
  });

  test("attachments under 3 MiB whose base64 request fits go in one request; the rest through upload sessions", () => {
    const L = DEFAULT_SEND_LIMITS;
    assert.equal(isSmallAttachment(1024 * 1024, L), true);
    assert.equal(isSmallAttachment(L.uploadSessionThresholdBytes, L), false);
    assert.equal(isSmallAttachment(6 * 1024 * 1024, L), false);
    // just under 3 MiB, the base64 plus JSON would pass the 4 MiB request limit: upload session
    assert.equal(isSmallAttachment(L.uploadSessionThresholdBytes - 10, L), false);
  });
});

describe("graph send: sendMail with MIME", () => {
  test("a small message goes byte for byte in one sendMail; 202 with the request id", async () => {
    const g = new SendDouble();
    const r = await sendViaGraph(g, {
      mime: Readable.from([SMALL_EML.subarray(0, 7), SMALL_EML.subarray(7)]),
      envelope: { from: "sender@contoso.com", to: ["ops@contoso.com", "fin@contoso.com"] },
    });
    assert.deepEqual(ops(g.calls), ["sendMime"]);
    const sent = g.calls[0] as Extract<Call, { op: "sendMime" }>;
    assert.ok(sent.mime.equals(SMALL_EML));
    assert.equal(r.status, 202);
    assert.equal(r.requestId, "req-1");
    assert.equal(r.path, "mime");
    assert.equal(r.messageId, "<n1@contoso.com>");
    assert.equal(r.from, "sender@contoso.com");
    assert.deepEqual(r.addedBcc, []);
    assert.deepEqual(r.headerOnly, []);
  });

  test("envelope recipients the headers do not name are added as one Bcc line in front; the rest is unchanged", async () => {
    const g = new SendDouble();
    const r = await sendViaGraph(g, {
      mime: SMALL_EML,
      envelope: { from: "sender@contoso.com", to: ["ops@contoso.com", "audit@contoso.com"] },
    });
    const sent = (g.calls[0] as Extract<Call, { op: "sendMime" }>).mime;
    const line = Buffer.from("Bcc: audit@contoso.com\r\n");
    assert.ok(sent.subarray(0, line.length).equals(line));
    assert.ok(sent.subarray(line.length).equals(SMALL_EML));
    assert.deepEqual(r.addedBcc, ["audit@contoso.com"]);
    assert.deepEqual(r.headerOnly, ["fin@contoso.com"]);
    assert.equal(r.bytes, SMALL_EML.length);
  });

  test("over 35 MB: MESSAGE_TOO_LARGE before any request (buffer and stream)", async () => {
    const limits: GraphSendLimits = { ...DEFAULT_SEND_LIMITS, maxMessageBytes: 4096, maxRequestBytes: 1024 };
    const big = Buffer.concat([SMALL_EML, Buffer.alloc(5000, 0x61)]);
    const g = new SendDouble();
    const env = { from: "sender@contoso.com", to: ["ops@contoso.com"] };
    await assert.rejects(sendViaGraph(g, { mime: big, envelope: env, limits }), tooLarge);
    const chunks = Array.from({ length: 10 }, (_, i) => (i === 0 ? SMALL_EML : Buffer.alloc(700, 0x61)));
    await assert.rejects(
      sendViaGraph(g, { mime: Readable.from(chunks), envelope: env, limits, tmpDir: spoolRoot }),
      tooLarge,
    );
    assert.deepEqual(g.calls, []);
    assert.deepEqual(readdirSync(spoolRoot), [], "the spool directory is removed");
  });
});

describe("graph send: the draft path", () => {
  const limits: GraphSendLimits = {
    maxRequestBytes: 16 * 1024,
    uploadSessionThresholdBytes: 6 * 1024,
    maxMessageBytes: 1024 * 1024,
  };
  const small = randomBytes(2000);
  const big = randomBytes(40 * 1024 + 17);
  const logo = randomBytes(1500);

  async function message(): Promise<Buffer> {
    const mc = new MailComposer({
      from: "Reports <sender@contoso.com>",
      to: ["ops@contoso.com", "Chief <cfo@contoso.com>"],
      cc: "fin@contoso.com",
      bcc: "hidden@contoso.com",
      replyTo: "helpdesk@contoso.com",
      subject: "Nightly export ✓",
      text: "plain body",
      html: '<p>html body <img src="cid:logo@x"></p>',
      headers: { "X-Job-Id": "42", "List-Id": "<not.kept>" },
      attachments: [
        { filename: "small.bin", content: small, contentType: "application/octet-stream" },
        { filename: "big.bin", content: big, contentType: "application/octet-stream" },
        { filename: "logo.png", content: logo, contentType: "image/png", cid: "logo@x", contentDisposition: "inline" },
      ],
    });
    const compiled = mc.compile();
    (compiled as unknown as { keepBcc: boolean }).keepBcc = true;
    return compiled.build();
  }

  test("draft with every recipient (envelope-only as Bcc), reply-to, HTML body, X- headers; attachments split", async () => {
    const mime = await message();
    assert.ok(mime.length > 4 * 12 * 1024, "bigger than one request: the draft path");
    const g = new SendDouble();
    const env = { from: "sender@contoso.com", to: ["ops@contoso.com", "cfo@contoso.com", "rcpt-only@contoso.com"] };
    const r = await sendViaGraph(g, {
      mime: Readable.from([mime]),
      envelope: env,
      limits,
      chunkBytes: 10 * 1024,
      tmpDir: spoolRoot,
    });
    assert.equal(r.path, "draft");
    assert.equal(r.status, 202);
    assert.equal(r.bytes, mime.length);
    assert.equal(r.messageId, undefined);
    assert.deepEqual(r.attachments, { small: 2, uploaded: 1, ranges: 5 });
    assert.deepEqual(ops(g.calls), [
      "createDraft",
      "addAttachment",
      "addAttachment",
      "createUploadSession",
      "uploadRange",
      "uploadRange",
      "uploadRange",
      "uploadRange",
      "uploadRange",
      "sendDraft",
    ]);
    const d = (g.calls[0] as Extract<Call, { op: "createDraft" }>).draft;
    const addrs = (l?: { emailAddress: { address: string } }[]) => (l ?? []).map((x) => x.emailAddress.address);
    assert.deepEqual(d.from, { emailAddress: { address: "sender@contoso.com", name: "Reports" } });
    assert.deepEqual(addrs(d.toRecipients), ["ops@contoso.com", "cfo@contoso.com"]);
    assert.deepEqual(addrs(d.ccRecipients), ["fin@contoso.com"]);
    assert.deepEqual(addrs(d.bccRecipients), ["hidden@contoso.com", "rcpt-only@contoso.com"]);
    assert.deepEqual(addrs(d.replyTo), ["helpdesk@contoso.com"]);
    assert.equal(d.subject, "Nightly export ✓");
    assert.deepEqual(d.body, { contentType: "html", content: '<p>html body <img src="cid:logo@x"></p>' });
    assert.deepEqual(d.internetMessageHeaders, [{ name: "X-Job-ID", value: "42" }]);
    const added = g.calls.filter((c): c is Extract<Call, { op: "addAttachment" }> => c.op === "addAttachment");
    const byName = (n: string) => added.find((a) => a.spec.name === n);
    assert.deepEqual(byName("small.bin")?.spec, {
      name: "small.bin",
      contentType: "application/octet-stream",
      size: 2000,
    });
    assert.ok(byName("small.bin")?.content.equals(small));
    assert.deepEqual(byName("logo.png")?.spec, {
      name: "logo.png",
      contentType: "image/png",
      size: 1500,
      isInline: true,
      contentId: "logo@x",
    });
    assert.ok(byName("logo.png")?.content.equals(logo));
    const session = g.calls.find((c) => c.op === "createUploadSession") as Extract<Call, { op: "createUploadSession" }>;
    assert.deepEqual(session.spec, { name: "big.bin", contentType: "application/octet-stream", size: big.length });
    const puts = g.calls.filter((c): c is Extract<Call, { op: "uploadRange" }> => c.op === "uploadRange");
    assert.ok(puts.every((p) => p.total === big.length && p.chunk.length <= 10 * 1024 && p.url.endsWith("big.bin")));
    assert.deepEqual(
      puts.map((p) => p.start),
      [0, 10240, 20480, 30720, 40960],
    );
    assert.ok(Buffer.concat(puts.map((p) => p.chunk)).equals(big));
    assert.deepEqual(readdirSync(spoolRoot), [], "spooled attachments are removed");
  });

  test("a text-only message keeps its text body; From missing -> the envelope sender", async () => {
    const mime = Buffer.from(`To: ops@contoso.com\r\nSubject: t\r\n\r\n${"line of text\r\n".repeat(3000)}`);
    const g = new SendDouble();
    const r = await sendViaGraph(g, {
      mime,
      envelope: { from: "sender@contoso.com", to: ["ops@contoso.com"] },
      limits,
      tmpDir: spoolRoot,
    });
    const d = (g.calls[0] as Extract<Call, { op: "createDraft" }>).draft;
    assert.equal(r.path, "draft");
    assert.equal(d.body?.contentType, "text");
    assert.equal(d.body?.content.length, "line of text\n".repeat(3000).length);
    assert.deepEqual(d.from, { emailAddress: { address: "sender@contoso.com" } });
    assert.equal(d.internetMessageHeaders, undefined);
    assert.deepEqual(ops(g.calls), ["createDraft", "sendDraft"]);
  });

  test("a failure after the draft exists moves the draft to Deleted Items and reports the first error", async () => {
    const g = new SendDouble();
    const denied = new XoauthError("SEND_AS_DENIED", "Graph refused to send as other@contoso.com.");
    g.failOn = { op: "sendDraft", error: denied };
    const mime = await message();
    const env = { from: "sender@contoso.com", to: ["ops@contoso.com"] };
    await assert.rejects(sendViaGraph(g, { mime, envelope: env, limits, tmpDir: spoolRoot }), (e) => e === denied);
    assert.deepEqual(ops(g.calls).slice(-2), ["sendDraft", "delete"]);
    assert.deepEqual(readdirSync(spoolRoot), []);
  });
});
