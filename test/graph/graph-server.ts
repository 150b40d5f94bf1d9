/**
 * A scripted HTTPS server for the Graph client's tests (127.0.0.1, a certificate of the test CA): each test gives a
 * handler; the server counts TLS connections, requests and the most requests in flight at once, and keeps every
 * request's method, URL and headers.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import { b64url } from "../../src/auth/jwt.js";
import type { AccessToken, TokenProvider } from "../../src/auth/types.js";
import type { GraphReplyRow } from "../../src/exchange/graph-replies.js";
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
