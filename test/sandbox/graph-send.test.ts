/** The Graph fake, sending: sendMail limits, delivery into the shared store, upload sessions, concurrency 429. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { graphReply } from "../../src/exchange/graph-replies.js";
import { graphRequest, seg } from "../harness/sandbox/graph-http.js";
import { type ExchangeWorld, type GraphWorld, startWorld } from "../harness/world.js";

const MB = "info@contoso.onmicrosoft.com";
const MIME = Buffer.from(`From: ${MB}\r\nTo: ${MB}\r\nSubject: via graph\r\nMessage-ID: <g1@contoso>\r\n\r\nhello\r\n`);

describe("Graph fake: sending", () => {
  let w: GraphWorld & ExchangeWorld;
  let token: string;
  const post = (path: string, body: string | Buffer | object, contentType?: string) =>
    graphRequest(w.pki.ca.certPem, "POST", `${w.graphUrl}/users/${seg(MB)}${path}`, {
      token,
      body,
      ...(contentType ? { contentType } : {}),
    });
  before(async () => {
    w = await startWorld({ exchange: {}, graph: {} });
    token = w.identity.mintAccessToken({}, { resource: "graph" });
  });
  after(() => w.stop());

  it("sendMail with base64 MIME: 202, a Sent Items copy and delivery into the mailbox POP3/IMAP read", async () => {
    const inbox = w.exchange.directory.findMailbox(MB)?.folders.get("INBOX") ?? [];
    const before = inbox.length;
    const r = await post("/sendMail", MIME.toString("base64"), "text/plain");
    assert.equal(r.status, 202);
    assert.equal(r.body.length, 0);
    assert.deepEqual(inbox.at(-1)?.raw, MIME);
    assert.equal(inbox.length, before + 1);
    assert.deepEqual(w.exchange.directory.findMailbox(MB)?.folders.get("Sent Items")?.at(-1)?.raw, MIME);
    assert.deepEqual(w.graph.sent.at(-1)?.recipients, [MB]);
  });

  it("invalid base64: 400 ErrorMimeContentInvalidBase64String; over 4 MB: 413", async () => {
    const bad = await post("/sendMail", "not base64!!", "text/plain");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, graphReply("mime-invalid-base64").code);
    const big = Buffer.alloc(4 * 1024 * 1024 + 4, "A");
    const tooBig = await post("/sendMail", big, "text/plain");
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.json.error.code, graphReply("request-too-large").code);
  });

  it("a JSON message without recipients: 400 ErrorInvalidRecipients; From another mailbox: ErrorSendAsDenied", async () => {
    const none = await post("/sendMail", { message: { subject: "x", body: { contentType: "Text", content: "y" } } });
    assert.equal(none.json.error.code, "ErrorInvalidRecipients");
    const other = Buffer.from(`From: boss@fabrikam.example\r\nTo: ${MB}\r\nSubject: x\r\n\r\ny\r\n`);
    const denied = await post("/sendMail", other.toString("base64"), "text/plain");
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.code, "ErrorSendAsDenied");
  });

  it("a draft, an attachment through an upload session in ranges, then send (202)", async () => {
    const draft = await post("/messages", {
      subject: "big",
      body: { contentType: "Text", content: "see attachment" },
      toRecipients: [{ emailAddress: { address: MB } }],
    });
    assert.equal(draft.status, 201);
    const id = seg(draft.json.id);
    const size = 5 * 1024 * 1024 + 17;
    const data = Buffer.alloc(size, 7);
    const s = await post(`/messages/${id}/attachments/createUploadSession`, {
      AttachmentItem: { attachmentType: "file", name: "big.bin", size, contentType: "application/octet-stream" },
    });
    assert.equal(s.status, 201);
    assert.deepEqual(s.json.nextExpectedRanges, ["0-"]);
    const put = (start: number, end: number, body: Buffer) =>
      graphRequest(w.pki.ca.certPem, "PUT", s.json.uploadUrl, {
        body,
        contentType: "application/octet-stream",
        headers: { "content-range": `bytes ${start}-${end}/${size}` },
      });
    const chunk = 4 * 1024 * 1024;
    const wrong = await put(1, chunk, data.subarray(1, chunk + 1));
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error.code, graphReply("upload-range-invalid").code);
    const p1 = await put(0, chunk - 1, data.subarray(0, chunk));
    assert.equal(p1.status, 200);
    assert.deepEqual(p1.json.NextExpectedRanges, [String(chunk)]);
    const p2 = await put(chunk, size - 1, data.subarray(chunk));
    assert.equal(p2.status, 201);
    const sent = await post(`/messages/${id}/send`, "");
    assert.equal(sent.status, 202);
    const raw = w.graph.sent.at(-1)?.raw.toString("latin1") ?? "";
    assert.match(raw, /filename="big\.bin"/);
    assert.ok(raw.length > size);
  });

  it("more than 4 requests in flight for one app and mailbox: 429 ApplicationThrottled with Retry-After", {
    timeout: 30_000,
  }, async () => {
    let open = (): void => undefined;
    w.graph.faults.hold = new Promise<void>((r) => {
      open = r;
    });
    const get = () =>
      graphRequest(w.pki.ca.certPem, "GET", `${w.graphUrl}/users/${seg(MB)}/mailFolders/inbox`, { token });
    const all = Array.from({ length: 6 }, get);
    // exactly two of six are refused while four hold their slots
    const first = await Promise.race([Promise.all(all), Promise.any(all)]);
    assert.ok(!Array.isArray(first));
    assert.equal(first.status, 429);
    assert.equal(first.json.error.code, "ApplicationThrottled");
    assert.equal(first.headers["retry-after"], "1");
    w.graph.faults.hold = undefined;
    open();
    const rs = await Promise.all(all);
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 200, 200, 200, 429, 429]);
    assert.equal(
      [...w.graph.peakInFlight.values()].some((n) => n === 4),
      true,
    );
  });
});
