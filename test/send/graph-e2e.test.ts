/** sendViaGraph with the real Graph client against the sandbox's Graph fake: what arrives, and the refusals. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { simpleParser } from "mailparser";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { XoauthError } from "../../src/errors.js";
import { createGraphClient } from "../../src/graph/client.js";
import type { GraphClient } from "../../src/graph/types.js";
import { sendViaGraph } from "../../src/send/graph-send.js";
import { type GraphWorld, startWorld } from "../harness/world.js";

const MB = "info@contoso.onmicrosoft.com";

describe("send through Graph against the sandbox fake", () => {
  let w: GraphWorld;
  let client: GraphClient;
  before(async () => {
    w = await startWorld({ graph: {} });
    const token = w.identity.mintAccessToken({}, { resource: "graph" });
    client = createGraphClient({
      baseUrl: w.graphUrl,
      mailbox: MB,
      ca: [w.pki.ca.certPem],
      tokenProvider: {
        getToken: async () => ({ token, expiresOn: new Date(Date.now() + 3_600_000), fromCache: false }),
      },
    });
  });
  after(async () => {
    client.close();
    await w.stop();
  });

  it("a small .eml arrives byte for byte through sendMail (202, request-id)", async () => {
    const eml = Buffer.from(
      `From: ${MB}\r\nTo: ops@fabrikam.example\r\nSubject: e2e\r\nMessage-ID: <e2e-1@contoso>\r\n\r\nbody\r\n`,
    );
    const r = await sendViaGraph(client, {
      mime: Readable.from([eml]),
      envelope: { from: MB, to: ["ops@fabrikam.example"] },
    });
    assert.equal(r.status, 202);
    assert.equal(r.path, "mime");
    assert.match(r.requestId ?? "", /^[0-9a-f-]{36}$/);
    const sent = w.graph.sent.at(-1);
    assert.equal(sent?.via, "sendMail-mime");
    assert.ok(sent?.raw.equals(eml));
  });

  it("10 MB with a 6 MB attachment goes through a draft and an upload session and arrives with its parts", async () => {
    const big = randomBytes(6 * 1024 * 1024);
    const small = randomBytes(100 * 1024);
    const mime = await new MailComposer({
      from: MB,
      to: "ops@fabrikam.example",
      subject: "big one",
      text: "see attachments",
      headers: { "X-Job": "7" },
      attachments: [
        { filename: "big.bin", content: big },
        { filename: "small.bin", content: small },
        { filename: "pad.bin", content: randomBytes(1024 * 1024) },
      ],
    })
      .compile()
      .build();
    assert.ok(mime.length > 9 * 1024 * 1024);
    const before = w.graph.requests.length;
    const r = await sendViaGraph(client, {
      mime,
      envelope: { from: MB, to: ["ops@fabrikam.example", "audit@fabrikam.example"] },
    });
    assert.equal(r.path, "draft");
    assert.equal(r.status, 202);
    assert.deepEqual(r.attachments, { small: 2, uploaded: 1, ranges: 2 });
    const sent = w.graph.sent.at(-1);
    assert.equal(sent?.via, "draft");
    assert.deepEqual(sent?.recipients.map((a) => a.toLowerCase()).sort(), [
      "audit@fabrikam.example",
      "ops@fabrikam.example",
    ]);
    const parsed = await simpleParser(sent?.raw ?? Buffer.alloc(0));
    const byName = new Map(parsed.attachments.map((a) => [a.filename, a.content]));
    assert.ok(byName.get("big.bin")?.equals(big));
    assert.ok(byName.get("small.bin")?.equals(small));
    assert.equal(parsed.subject, "big one");
    assert.equal(parsed.headers.get("x-job"), "7");
    assert.ok(w.graph.requests.length > before);
  });

  it("a From address the mailbox may not send as: SEND_AS_DENIED", async () => {
    const eml = Buffer.from(
      "From: boss@contoso.onmicrosoft.com\r\nTo: ops@fabrikam.example\r\nSubject: x\r\n\r\nx\r\n",
    );
    await assert.rejects(
      sendViaGraph(client, { mime: eml, envelope: { from: MB, to: ["ops@fabrikam.example"] } }),
      (e: unknown) =>
        e instanceof XoauthError &&
        e.code === "SEND_AS_DENIED" &&
        e.details.params?.from === "boss@contoso.onmicrosoft.com",
    );
  });

  it("over 35 MB: MESSAGE_TOO_LARGE and no request", async () => {
    const n = w.graph.requests.length;
    const huge = Buffer.concat([
      Buffer.from(`From: ${MB}\r\nTo: ops@fabrikam.example\r\n\r\n`),
      Buffer.alloc(36 * 1024 * 1024, 0x61),
    ]);
    await assert.rejects(
      sendViaGraph(client, { mime: Readable.from([huge]), envelope: { from: MB, to: ["ops@fabrikam.example"] } }),
      (e: unknown) => e instanceof XoauthError && e.code === "MESSAGE_TOO_LARGE",
    );
    assert.equal(w.graph.requests.length, n);
  });
});
