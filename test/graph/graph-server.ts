/**
 * A scripted HTTPS server for the Graph client's tests (127.0.0.1, a certificate of the test CA): each test gives a
 * handler; the server counts TLS connections, requests and the most requests in flight at once, and keeps every
 * request's method, URL and headers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import { after, before, beforeEach } from "node:test";
import { b64url } from "../../src/auth/jwt.js";
import type { AccessToken, TokenProvider } from "../../src/auth/types.js";
import type { GraphReplyRow } from "../../src/exchange/graph-replies.js";
import { createGraphClient } from "../../src/graph/client.js";
import type { GraphClient, GraphClientOptions } from "../../src/graph/types.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => unknown;

export interface GraphTestServer {
  base: string;
  origin: string;
  ca: string;
  pki: TestPki;
  requests: SeenRequest[];
  connections(): number;
  maxInFlight(): number;
  handle(h: Handler): void;
  close(): Promise<void>;
}

let sharedPki: TestPki | undefined;
export function testPki(): TestPki {
  sharedPki ??= createTestPki();
  return sharedPki;
}

export async function startGraphServer(): Promise<GraphTestServer> {
  const pki = testPki();
  const cert = pki.issueServerCert();
  let handler: Handler = (_req, res) => {
    res.writeHead(500).end();
  };
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const requests: SeenRequest[] = [];
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem, keepAliveTimeout: 5000 }, (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once("close", () => inFlight--);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(seen);
      void Promise.resolve(handler(seen, res)).catch(() => res.destroy());
    });
  });
  server.on("secureConnection", () => connections++);
  server.on("tlsClientError", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base: `${origin}/v1.0`,
    origin,
    ca: pki.ca.certPem,
    pki,
    requests,
    connections: () => connections,
    maxInFlight: () => maxInFlight,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Writes a JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    "request-id": "11111111-2222-3333-4444-555555555555",
    ...headers,
  });
  res.end(text);
}

/** Graph's error answer for a row of the table, placeholders filled. */
export function sendRow(res: ServerResponse, row: GraphReplyRow, headers: Record<string, string> = {}): void {
  const message = row.message
    .replace("{user}", "erp@contoso.example")
    .replace("{generation}", "3")
    .replace("{highest}", "5");
  sendJson(
    res,
    row.status,
    { error: { code: row.code, message, innerError: { date: "2026-01-01T00:00:00", "request-id": "rid-body" } } },
    { ...(row.retryAfter ? { "retry-after": "1" } : {}), ...headers },
  );
}

/** An unsigned JWT with the given claims (the client only decodes). */
export function fakeToken(claims: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ typ: "JWT", alg: "RS256" }))}.${b64url(JSON.stringify({ aud: "https://graph.microsoft.com", ...claims }))}.${b64url("signature-bytes")}`;
}

/** A token provider handing out `tokens` in turn (the last one again), recording each call's forceRefresh. */
export function tokenProvider(...tokens: string[]): TokenProvider & { calls: (boolean | undefined)[] } {
  const calls: (boolean | undefined)[] = [];
  return {
    calls,
    async getToken(o?: { forceRefresh?: boolean }): Promise<AccessToken> {
      calls.push(o?.forceRefresh);
      const token = tokens[Math.min(calls.length - 1, tokens.length - 1)] as string;
      return { token, expiresOn: new Date(Date.now() + 3_600_000), fromCache: false };
    },
  };
}

/**
 * One server for a test file (started in `before`, closed in `after`, its request log cleared before each test),
 * as an object usable at the top of the file.
 */
export function useGraphServer(): GraphTestServer {
  let s: GraphTestServer | undefined;
  const get = (): GraphTestServer => {
    if (!s) throw new Error("the Graph test server is not started yet");
    return s;
  };
  before(async () => {
    s = await startGraphServer();
  });
  after(() => get().close());
  beforeEach(() => {
    get().requests.length = 0;
  });
  return {
    get base() {
      return get().base;
    },
    get origin() {
      return get().origin;
    },
    get ca() {
      return get().ca;
    },
    get pki() {
      return get().pki;
    },
    get requests() {
      return get().requests;
    },
    connections: () => get().connections(),
    maxInFlight: () => get().maxInFlight(),
    handle: (h) => get().handle(h),
    close: () => get().close(),
  };
}

/** A client of `srv`'s mailbox erp@contoso.example, trusting the test CA. */
export function testClient(srv: GraphTestServer, token: string, extra: Partial<GraphClientOptions> = {}): GraphClient {
  return createGraphClient({
    baseUrl: srv.base,
    mailbox: "erp@contoso.example",
    tokenProvider: tokenProvider(token),
    ca: [srv.ca],
    ...extra,
  });
}
