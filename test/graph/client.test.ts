/** The Graph client against a scripted HTTPS server: requests, retries, classification, keep-alive, concurrency. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { graphReply } from "../../src/exchange/graph-replies.js";
import type { GraphClientOptions } from "../../src/graph/types.js";
import type { TraceEvent } from "../../src/net/types.js";
import { fakeToken, sendJson, sendRow, testClient, useGraphServer } from "./graph-server.js";

const TOKEN = fakeToken({ roles: ["Mail.ReadWrite"] });

const srv = useGraphServer();

const client = (extra: Partial<GraphClientOptions> = {}) => testClient(srv, TOKEN, { sleep: async () => {}, ...extra });

describe("Graph client requests", () => {
  test("deltaPage: URL, both Prefer values in one header, @removed entries, nextLink", async () => {
    srv.handle((_req, res) =>
      sendJson(res, 200, {
        value: [
          { id: "AAA=", subject: "s", isRead: false, internetMessageId: "<a@b>" },
          { id: "BBB=", "@removed": { reason: "deleted" } },
        ],
        "@odata.nextLink": `${srv.base}/users/x/mailFolders/f/messages/delta?$skiptoken=abc`,
      }),
    );
    const g = client();
    const page = await g.deltaPage("AQMk/id=");
    g.close();
    const r = srv.requests[0];
    assert.equal(r?.method, "GET");
    assert.equal(
      r?.url,
      "/v1.0/users/erp%40contoso.example/mailFolders/AQMk%2Fid%3D/messages/delta?$select=id%2CinternetMessageId%2Csubject%2CreceivedDateTime%2CisRead",
    );
    assert.equal(r?.headers.prefer, 'IdType="ImmutableId", odata.maxpagesize=100');
    assert.equal(r?.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(String(r?.headers["client-request-id"]), /^[0-9a-f-]{36}$/);
    assert.deepEqual(page.messages, [{ id: "AAA=", subject: "s", isRead: false, internetMessageId: "<a@b>" }]);
    assert.deepEqual(page.removed, ["BBB="]);
    assert.match(page.nextLink ?? "", /skiptoken=abc/);
    assert.equal(page.deltaLink, undefined);
  });

  test("a delta link is followed as given, but never to another origin (the token would go there)", async () => {
    srv.handle((_req, res) => sendJson(res, 200, { value: [], "@odata.deltaLink": `${srv.base}/d?$deltatoken=z` }));
    const g = client();
    const page = await g.deltaPage("f", `${srv.origin}/v1.0/users/x/mailFolders/f/messages/delta?$deltatoken=q`);
    assert.equal(srv.requests[0]?.url, "/v1.0/users/x/mailFolders/f/messages/delta?$deltatoken=q");
    assert.match(page.deltaLink ?? "", /deltatoken=z/);
    await assert.rejects(g.deltaPage("f", "https://evil.example/v1.0/x?$deltatoken=q"), { code: "PROTOCOL_ERROR" });
    await assert.rejects(g.deltaPage("f", srv.origin.replace(/:(\d+)$/, ":1")), { code: "PROTOCOL_ERROR" });
    assert.equal(srv.requests.length, 1);
    g.close();
  });

  test("listMessages: $top and $select, no $orderby", async () => {
    srv.handle((_req, res) => sendJson(res, 200, { value: [{ id: "M1", receivedDateTime: "2026-01-01T00:00:00Z" }] }));
    const g = client();
    const list = await g.listMessages("inbox", 1);
    g.close();
    assert.equal(
      srv.requests[0]?.url,
      "/v1.0/users/erp%40contoso.example/mailFolders/inbox/messages?$top=1&$select=id%2CinternetMessageId%2Csubject%2CreceivedDateTime%2CisRead",
    );
    assert.deepEqual(list, [{ id: "M1", receivedDateTime: "2026-01-01T00:00:00Z" }]);
  });

  test("move, delete, markRead, sendDraft: methods, paths and bodies", async () => {
    srv.handle((req, res) => {
      if (req.method === "POST" && req.url.endsWith("/move")) sendJson(res, 201, { id: "M1" });
      else if (req.method === "DELETE") res.writeHead(204).end();
      else if (req.method === "PATCH") sendJson(res, 200, { id: "M1", isRead: true });
      else if (req.url.endsWith("/send")) res.writeHead(202, { "request-id": "rid-202" }).end();
      else res.writeHead(500).end();
    });
    const g = client();
    assert.deepEqual(await g.move("M1", "DEST"), { id: "M1" });
    await g.delete("M1");
    await g.markRead("M1");
    const info = await g.sendDraft("M1");
    g.close();
    const [mv, del, patch, send] = srv.requests;
    assert.equal(mv?.url, "/v1.0/users/erp%40contoso.example/messages/M1/move");
    assert.deepEqual(JSON.parse(mv?.body.toString() ?? ""), { destinationId: "DEST" });
    assert.equal(del?.method, "DELETE");
    assert.deepEqual(JSON.parse(patch?.body.toString() ?? ""), { isRead: true });
    assert.equal(send?.url, "/v1.0/users/erp%40contoso.example/messages/M1/send");
    assert.equal(info.status, 202);
    assert.equal(info.requestId, "rid-202");
    assert.equal(g.requestCount, 4);
  });

  test("sendMime: base64 MIME as text/plain; over 4 MB as base64 is MESSAGE_TOO_LARGE before anything is sent", async () => {
    srv.handle((_req, res) => res.writeHead(202).end());
    const g = client();
    const mime = Buffer.from("From: a@b\r\nTo: c@d\r\nSubject: x\r\n\r\nhello\r\n");
    const info = await g.sendMime(mime);
    assert.equal(info.status, 202);
    const r = srv.requests[0];
    assert.equal(r?.url, "/v1.0/users/erp%40contoso.example/sendMail");
    assert.equal(r?.headers["content-type"], "text/plain");
    assert.equal(r?.body.toString(), mime.toString("base64"));
    // 3 MB + 1 byte of MIME is 4 MB + 4 bytes of base64.
    await assert.rejects(g.sendMime(Buffer.alloc(3 * 1024 * 1024 + 1)), { code: "MESSAGE_TOO_LARGE" });
    assert.equal(srv.requests.length, 1);
    g.close();
  });

  test("probeSend: 400 -> true, 403 -> false; nothing but a recipient-less probe is posted", async () => {
    const g = client();
    srv.handle((_req, res) => sendJson(res, 400, { error: { code: "ErrorInvalidRecipients", message: "x" } }));
    assert.equal(await g.probeSend(), true);
    srv.handle((_req, res) => sendRow(res, graphReply("access-denied")));
    assert.equal(await g.probeSend(), false);
    const body = JSON.parse(srv.requests[0]?.body.toString() ?? "");
    assert.deepEqual(body, { message: { subject: "xoauth-mail send probe" }, saveToSentItems: false });
    srv.handle((_req, res) => sendRow(res, graphReply("invalid-user")));
    await assert.rejects(g.probeSend(), { code: "MAILBOX_NOT_FOUND" });
    g.close();
  });

  test("upload session and a range PUT without Authorization; http upload URLs refused", async () => {
    srv.handle((req, res) => {
      if (req.url.endsWith("/createUploadSession"))
        sendJson(res, 201, { uploadUrl: `${srv.origin}/upload/session1?authtoken=secret` });
      else if (req.method === "PUT") sendJson(res, 200, { nextExpectedRanges: ["4-"] });
      else res.writeHead(500).end();
    });
    const g = client();
    const spec = { name: "a.pdf", contentType: "application/pdf", size: 8, isInline: false };
    const { uploadUrl } = await g.createUploadSession("M1", spec);
    await g.uploadRange(uploadUrl, Buffer.from("abcd"), 0, 8);
    await assert.rejects(g.uploadRange("http://127.0.0.1/x", Buffer.from("a"), 0, 1), { code: "USAGE" });
    g.close();
    const [create, put] = srv.requests;
    assert.deepEqual(JSON.parse(create?.body.toString() ?? "").AttachmentItem, { attachmentType: "file", ...spec });
    assert.equal(put?.headers.authorization, undefined);
    assert.equal(put?.headers["content-range"], "bytes 0-3/8");
    assert.equal(put?.headers["content-length"], "4");
  });

  test("the trace shows method, path and query names, status and request-id, never the token or query values", async () => {
    srv.handle((_req, res) => sendJson(res, 200, { value: [], "@odata.deltaLink": `${srv.base}/d` }));
    const lines: TraceEvent[] = [];
    const g = client({ trace: (e) => lines.push(e) });
    await g.deltaPage("f", `${srv.base}/users/x/mailFolders/f/messages/delta?$deltatoken=very-secret-state`);
    g.close();
    const text = lines.map((l) => `${l.dir} ${l.line}`).join("\n");
    assert.match(text, /^c GET \/v1\.0\/users\/x\/mailFolders\/f\/messages\/delta\?\$deltatoken$/m);
    assert.match(text, /^s 200 OK request-id=11111111-2222-3333-4444-555555555555$/m);
    assert.ok(!text.includes("very-secret-state"));
    assert.ok(!text.includes(TOKEN));
  });

  test("options: http base URL and a concurrency over 4 are refused", () => {
    assert.throws(() => client({ baseUrl: "http://127.0.0.1:1/v1.0" }), { code: "USAGE" });
    assert.throws(() => client({ maxConcurrency: 5 }), { code: "USAGE" });
    assert.throws(() => client({ maxConcurrency: 0 }), { code: "USAGE" });
  });
});

describe("Graph client folder paths", () => {
  test("a service that refuses $filter on folders (400) is asked for the plain listing, matched by name", async () => {
    srv.handle((req, res) => {
      if (req.url.includes("$filter"))
        return sendJson(res, 400, { error: { code: "BadRequest", message: "no filter" } });
      if (req.url.startsWith("/v1.0/users/erp%40contoso.example/mailFolders/inbox?"))
        return sendJson(res, 200, { id: "INBOX-ID", displayName: "Inbox" });
      if (req.url.includes("/mailFolders/INBOX-ID/childFolders?"))
        return sendJson(res, 200, {
          value: [
            { id: "X", displayName: "Other" },
            { id: "INV", displayName: "Invoices" },
          ],
        });
      return sendJson(res, 404, { error: { code: "ErrorItemNotFound", message: "none" } });
    });
    const g = client();
    const f = await g.resolveFolder("Inbox/invoices");
    g.close();
    assert.equal(f.id, "INV");
    assert.equal(f.path, "Inbox/invoices");
    assert.ok(
      srv.requests.some((r) => r.url.includes("$filter")),
      "the filtered request came first",
    );
  });
});
