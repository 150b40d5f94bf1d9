/** Graph error answers -> stable codes, row by row from the Graph behaviour table, and the 403 split by roles. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GRAPH_REPLIES, graphReply } from "../../src/exchange/graph-replies.js";
import { classifyGraphError, graphAccessDenied, parseGraphErrorBody } from "../../src/graph/classify.js";
import { fakeToken } from "./graph-server.js";

const ctx = {
  mailbox: "erp@contoso.example",
  clientRequestId: "crid-1",
  request: "GET /v1.0/users/x/mailFolders/inbox",
};

function bodyOf(row: (typeof GRAPH_REPLIES)[number]): string {
  const message = row.message
    .replace("{user}", "erp@contoso.example")
    .replace("{generation}", "3")
    .replace("{highest}", "5");
  return JSON.stringify({
    error: { code: row.code, message, innerError: { "request-id": "rid-body", date: "2026-01-01" } },
  });
}

describe("classifyGraphError", () => {
  for (const row of GRAPH_REPLIES) {
    test(`${row.id}: ${row.status} ${row.code} -> ${row.ourCode}`, () => {
      const token = fakeToken({ roles: ["Mail.Read"] });
      const err = classifyGraphError(
        row.status,
        bodyOf(row),
        { "request-id": "rid-header" },
        { ...ctx, token: row.id === "access-denied" ? fakeToken({}) : token },
      );
      assert.equal(err.code, row.ourCode);
      assert.equal(err.details.httpStatus, row.status);
      assert.ok(err.details.serverReply?.startsWith(`${row.code}: `), err.details.serverReply);
      assert.equal(err.details.params?.requestId, "rid-header");
      assert.equal(err.details.params?.clientRequestId, "crid-1");
      assert.equal(err.details.params?.mailbox, "erp@contoso.example");
    });
  }

  test("the generic 403: no roles -> GRAPH_PERMISSION_MISSING, and why says an RBAC-scoped app has no roles", () => {
    const row = graphReply("access-denied");
    const err = classifyGraphError(403, bodyOf(row), {}, { ...ctx, token: fakeToken({}) });
    assert.equal(err.code, "GRAPH_PERMISSION_MISSING");
    assert.match(err.why ?? "", /RBAC for Applications/);
    assert.match(err.why ?? "", /no roles/);
  });

  test("the generic 403 with a Mail.* role -> GRAPH_MAILBOX_OUT_OF_SCOPE", () => {
    const row = graphReply("access-denied");
    const err = classifyGraphError(403, bodyOf(row), {}, { ...ctx, token: fakeToken({ roles: ["Mail.ReadWrite"] }) });
    assert.equal(err.code, "GRAPH_MAILBOX_OUT_OF_SCOPE");
    assert.equal(err.details.params?.roles, "Mail.ReadWrite");
  });

  test("the generic 403 with roles but none for mail -> GRAPH_PERMISSION_MISSING naming them", () => {
    const row = graphReply("access-denied");
    const err = classifyGraphError(403, bodyOf(row), {}, { ...ctx, token: fakeToken({ roles: ["User.Read.All"] }) });
    assert.equal(err.code, "GRAPH_PERMISSION_MISSING");
    assert.match(err.why ?? "", /User\.Read\.All/);
  });

  test("the generic 403 is judged by the role the request needs: Mail.Send does not make a GET out of scope", () => {
    const row = graphReply("access-denied");
    const err = classifyGraphError(403, bodyOf(row), {}, { ...ctx, token: fakeToken({ roles: ["Mail.Send"] }) });
    assert.equal(err.code, "GRAPH_PERMISSION_MISSING");
    assert.equal(err.details.params?.operation, "read");
    assert.match(err.why ?? "", /Mail\.Read/);
  });

  test("a 403 on a PATCH with only Mail.Read: write needs Mail.ReadWrite -> GRAPH_PERMISSION_MISSING", () => {
    const row = graphReply("access-denied");
    const patch = { ...ctx, request: "PATCH /v1.0/users/x/messages/m1", token: fakeToken({ roles: ["Mail.Read"] }) };
    const err = classifyGraphError(403, bodyOf(row), {}, patch);
    assert.equal(err.code, "GRAPH_PERMISSION_MISSING");
    assert.equal(err.details.params?.operation, "write");
    assert.match(err.why ?? "", /Mail\.ReadWrite/);
  });

  test("a 403 on sendMail (operation send): Mail.Send -> out of scope, Mail.ReadWrite alone -> permission missing", () => {
    const row = graphReply("access-denied");
    const send = { ...ctx, request: "POST /v1.0/users/x/sendMail", operation: "send" as const };
    const scoped = classifyGraphError(403, bodyOf(row), {}, { ...send, token: fakeToken({ roles: ["Mail.Send"] }) });
    assert.equal(scoped.code, "GRAPH_MAILBOX_OUT_OF_SCOPE");
    const rw = classifyGraphError(403, bodyOf(row), {}, { ...send, token: fakeToken({ roles: ["Mail.ReadWrite"] }) });
    assert.equal(rw.code, "GRAPH_PERMISSION_MISSING");
    assert.equal(rw.details.params?.operation, "send");
  });

  test("the params name the app, its service principal and the tenant from the token (for the fix texts)", () => {
    const token = fakeToken({ roles: ["Mail.Read"], appid: "app-1", oid: "sp-1", tid: "tenant-1" });
    const err = classifyGraphError(403, bodyOf(graphReply("access-denied")), {}, { ...ctx, token });
    assert.equal(err.details.params?.appid, "app-1");
    assert.equal(err.details.params?.oid, "sp-1");
    assert.equal(err.details.params?.tenantId, "tenant-1");
  });

  test("graphAccessDenied: the one rule, per operation", () => {
    const cases: [string[] | undefined, "read" | "write" | "send", string][] = [
      [undefined, "read", "GRAPH_PERMISSION_MISSING"],
      [["Mail.ReadBasic"], "read", "GRAPH_PERMISSION_MISSING"],
      [["Mail.ReadWrite"], "read", "GRAPH_MAILBOX_OUT_OF_SCOPE"],
      [["Mail.Read"], "write", "GRAPH_PERMISSION_MISSING"],
      [["Mail.ReadWrite"], "write", "GRAPH_MAILBOX_OUT_OF_SCOPE"],
      [["Mail.Read", "Mail.ReadWrite"], "send", "GRAPH_PERMISSION_MISSING"],
      [["Mail.Send"], "send", "GRAPH_MAILBOX_OUT_OF_SCOPE"],
      [["Mail.Send"], "read", "GRAPH_PERMISSION_MISSING"],
    ];
    for (const [roles, op, code] of cases) assert.equal(graphAccessDenied(roles, op).code, code, `${roles} ${op}`);
  });

  test("other wordings of a shared status and code are classified by meaning, else by the row marked fallback", () => {
    const classify = (status: number, code: string, message: string) =>
      classifyGraphError(status, JSON.stringify({ error: { code, message } }), {}, { ...ctx, token: fakeToken({}) })
        .code;
    const auth = "InvalidAuthenticationToken";
    assert.equal(classify(401, auth, "Access token has expired or is not yet valid."), "TOKEN_EXPIRED");
    assert.equal(classify(401, auth, "Invalid audience claim."), "WRONG_AUDIENCE");
    assert.equal(classify(401, auth, "CompactToken parsing failed with error code: 80049217"), "UNEXPECTED");
    assert.equal(classify(403, "ErrorAccessDenied", "Access is denied."), "GRAPH_PERMISSION_MISSING");
    assert.equal(
      classify(403, "ErrorAccessDenied", "Blocked by tenant configured AppOnly AccessPolicy settings."),
      "GRAPH_MAILBOX_OUT_OF_SCOPE",
    );
    assert.equal(classify(410, "resyncRequired", "Resync required."), "SYNC_STATE_EXPIRED", "any 410 means resync");
  });

  test("an error code the table does not know is GRAPH_ERROR with Graph's code and message", () => {
    const body = JSON.stringify({ error: { code: "ErrorQuotaExceeded", message: "The mailbox is full." } });
    const err = classifyGraphError(507, body, {}, ctx);
    assert.equal(err.code, "GRAPH_ERROR");
    assert.equal(err.details.serverReply, "ErrorQuotaExceeded: The mailbox is full.");
    assert.match(err.message, /ErrorQuotaExceeded: The mailbox is full\./);
  });

  test("a non-JSON body (a proxy's HTML page) is quoted as text and classified by status", () => {
    const err = classifyGraphError(503, "<html><body>Service\n Unavailable</body></html>", {}, ctx);
    assert.equal(err.code, "SERVER_BUSY");
    assert.equal(err.details.serverReply, "<html><body>Service Unavailable</body></html>");
    assert.equal(classifyGraphError(429, "", {}, ctx).code, "THROTTLED");
    assert.equal(classifyGraphError(502, "", {}, ctx).details.serverReply, "HTTP 502");
  });

  test("a Retry-After longer than allowed is named in the message", () => {
    const err = classifyGraphError(
      429,
      bodyOf(graphReply("throttled")),
      {},
      { ...ctx, retryAfterMs: 300_000, maxRetryWaitMs: 120_000 },
    );
    assert.equal(err.code, "THROTTLED");
    assert.match(err.message, /wait 300 s, longer than the 120 s/);
    assert.equal(err.details.params?.retryAfterSeconds, 300);
  });

  test("the body's request-id is kept when the header is missing; the token never appears", () => {
    const token = fakeToken({ roles: ["Mail.Read"] });
    const err = classifyGraphError(403, bodyOf(graphReply("access-denied")), {}, { ...ctx, token });
    assert.equal(err.details.params?.requestId, "rid-body");
    assert.ok(!JSON.stringify({ m: err.message, d: err.details, w: err.why }).includes(token));
  });

  test("parseGraphErrorBody reads innererror in either spelling", () => {
    assert.deepEqual(parseGraphErrorBody('{"error":{"code":"A","message":"B","innererror":{"request-id":"r"}}}'), {
      code: "A",
      message: "B",
      requestId: "r",
      date: undefined,
    });
  });
});
