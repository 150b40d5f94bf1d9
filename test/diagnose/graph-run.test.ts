/**
 * runMailTest for Graph in-process: a real TLS listener for the connect/TLS steps, a small double of the GraphClient
 * interface for the requests. Steps, their order, the JSON shape and the diagnosis of each answer.
 */
import assert from "node:assert/strict";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import tls from "node:tls";
import { b64url } from "../../src/auth/jwt.js";
import type { AccessToken } from "../../src/auth/types.js";
import { runMailTest } from "../../src/diagnose/test-run.js";
import { stepJson } from "../../src/diagnose/types.js";
import { XoauthError } from "../../src/errors.js";
import type { GraphClient } from "../../src/graph/types.js";
import "../../src/i18n/catalogs.js";
import { createTestPki } from "../../src/sandbox/pki.js";

const TID = "9188040d-6c67-4c5b-b112-36a304b66dad";
const APPID = "4a1aa1d5-c567-49d0-ad0b-cd957a47f842";
const OID = "6d2b4f8a-1e3c-4a5b-8c7d-9e0f1a2b3c4d";
const MAILBOX = "invoices@contoso.com";
const pki = createTestPki();
let server: tls.Server;
let url: string;

before(async () => {
  const cert = pki.issueServerCert();
  server = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function token(claims: Record<string, unknown>): AccessToken {
  const now = Math.floor(Date.now() / 1000);
  const body = {
    aud: "https://graph.microsoft.com",
    tid: TID,
    appid: APPID,
    oid: OID,
    idtyp: "app",
    exp: now + 3600,
    ...claims,
  };
  return {
    token: `${b64url('{"alg":"RS256"}')}.${b64url(JSON.stringify(body))}.sig`,
    expiresOn: new Date(),
    fromCache: false,
  };
}

/** Only what `test` calls; everything else throws. */
function double(over: Partial<GraphClient>): () => GraphClient {
  const no = () => {
    throw new Error("not used by test");
  };
  return () =>
    ({
      mailbox: MAILBOX,
      requestCount: 0,
      resolveFolder: async () => ({
        id: "AAMk-inbox",
        displayName: "Inbox",
        path: "inbox",
        totalItemCount: 3,
        unreadItemCount: 1,
      }),
      listMessages: async () => [{ id: "AAMk-1", receivedDateTime: "2026-01-02T03:04:05Z" }],
      probeSend: async () => true,
      close: () => {},
      deltaPage: no,
      openMime: no,
      move: no,
      delete: no,
      markRead: no,
      sendMime: no,
      createDraft: no,
      addAttachment: no,
      createUploadSession: no,
      uploadRange: no,
      sendDraft: no,
      ...over,
    }) as GraphClient;
}

function graphTest(client: () => GraphClient, claims: Record<string, unknown> = {}, checkSend = true) {
  const u = new URL(url);
  return runMailTest({
    protocol: "graph",
    mailbox: MAILBOX,
    server: { host: u.hostname, port: Number(u.port), tls: "implicit" },
    cloud: "global",
    tenantId: TID,
    clientId: APPID,
    ca: [pki.ca.certPem],
    getToken: async () => token(claims),
    graph: { url, checkSend, createClient: client },
  });
}

describe("runMailTest --protocol graph", () => {
  test("every step passes: token, claims, connect, tls, mailbox, list, send-probe; OK", async () => {
    const r = await graphTest(double({}));
    assert.equal(r.diagnosis.code, "OK", JSON.stringify(r.diagnosis));
    assert.deepEqual(
      r.steps.map((s) => [s.id, s.ok]),
      [
        ["token", true],
        ["claims", true],
        ["connect", true],
        ["tls", true],
        ["mailbox", true],
        ["list", true],
        ["send-probe", true],
      ],
    );
    const json = r.steps.map(stepJson);
    assert.match(String(json[1]?.detail), /no Mail\.\* roles \(RBAC for Applications/);
    assert.match(String(json[4]?.detail), /invoices@contoso\.com: folder Inbox, 3 messages, 1 unread/);
  });

  test("a 403 at the inbox without roles: GRAPH_PERMISSION_MISSING with the app, oid and mailbox", async () => {
    const denied = new XoauthError("GRAPH_PERMISSION_MISSING", "Microsoft Graph answered 403.", {
      details: {
        httpStatus: 403,
        serverReply: "ErrorAccessDenied: Access is denied. Check credentials and try again.",
      },
    });
    const r = await graphTest(double({ resolveFolder: async () => Promise.reject(denied) }));
    assert.equal(r.diagnosis.code, "GRAPH_PERMISSION_MISSING");
    assert.equal(r.steps.at(-1)?.id, "mailbox");
    assert.ok(r.diagnosis.fix.some((f) => f.includes(`New-ServicePrincipal -AppId ${APPID} -ObjectId ${OID}`)));
  });

  test("probeSend false: the send-probe step fails with GRAPH_PERMISSION_MISSING naming Mail.Send", async () => {
    const r = await graphTest(double({ probeSend: async () => false }), { roles: ["Mail.Read"] });
    assert.equal(r.diagnosis.code, "GRAPH_PERMISSION_MISSING");
    assert.equal(r.steps.at(-1)?.id, "send-probe");
    assert.match(r.diagnosis.summary, /Mail\.Send/);
  });

  test("an Exchange token: WRONG_AUDIENCE at the claims step, Graph's own answer still shown", async () => {
    const r = await graphTest(double({}), { aud: "https://outlook.office365.com" }, false);
    assert.equal(r.diagnosis.code, "WRONG_AUDIENCE");
    assert.equal(r.steps.find((s) => s.id === "claims")?.ok, false);
  });

  test("nothing listens: MAIL_SERVER_UNREACHABLE at connect, the client is never created", async () => {
    let created = false;
    const r = await runMailTest({
      protocol: "graph",
      mailbox: MAILBOX,
      server: { host: "127.0.0.1", port: 1, tls: "implicit" },
      cloud: "global",
      getToken: async () => token({}),
      graph: {
        url: "https://127.0.0.1:1/v1.0",
        createClient: () => {
          created = true;
          return double({})();
        },
      },
    });
    assert.equal(r.diagnosis.code, "MAIL_SERVER_UNREACHABLE");
    assert.equal(r.steps.at(-1)?.id, "connect");
    assert.equal(created, false);
  });
});

describe("runMailTest --protocol graph with the real Graph client", () => {
  let api: https.Server;
  let apiUrl: string;
  let answer: "ok" | "denied" = "ok";
  before(async () => {
    const cert = pki.issueServerCert();
    api = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json", "request-id": "req-1" }).end(JSON.stringify(body));
      if (answer === "denied")
        return json(403, {
          error: { code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." },
        });
      if (req.url?.includes("/messages?"))
        return json(200, { value: [{ id: "AAMk-1", receivedDateTime: "2026-01-02T03:04:05Z" }] });
      if (req.url?.includes("/mailFolders/inbox"))
        return json(200, { id: "AAMk-inbox", displayName: "Inbox", totalItemCount: 1, unreadItemCount: 0 });
      return json(404, { error: { code: "ErrorInvalidUser", message: "The requested user 'x' is invalid." } });
    });
    await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
    apiUrl = `https://127.0.0.1:${(api.address() as AddressInfo).port}/v1.0`;
  });
  after(() => new Promise<void>((r) => api.close(() => r())));

  const realRun = () =>
    runMailTest({
      protocol: "graph",
      mailbox: MAILBOX,
      server: { host: "127.0.0.1", port: Number(new URL(apiUrl).port), tls: "implicit" },
      cloud: "global",
      ca: [pki.ca.certPem],
      getToken: async () => token({}),
      graph: { url: apiUrl },
    });

  test("inbox and one message: OK", async () => {
    answer = "ok";
    const r = await realRun();
    assert.equal(r.diagnosis.code, "OK", JSON.stringify(r.steps));
    assert.deepEqual(
      r.steps.map((s) => s.id),
      ["token", "claims", "connect", "tls", "mailbox", "list"],
    );
  });

  test("403 ErrorAccessDenied for a token without roles: GRAPH_PERMISSION_MISSING at the mailbox step", async () => {
    answer = "denied";
    const r = await realRun();
    assert.equal(r.diagnosis.code, "GRAPH_PERMISSION_MISSING");
    assert.equal(r.steps.at(-1)?.id, "mailbox");
    assert.match(r.diagnosis.summary, /ErrorAccessDenied/);
  });
});
