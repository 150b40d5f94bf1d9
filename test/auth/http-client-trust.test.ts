/**
 * The token endpoint's HTTPS with extra CAs (`--ca-file`): one TLS context for every request, not one per request
 * (each holds ~0.6 MB of OpenSSL memory until V8 happens to collect it, src/net/trust.ts), and still verified.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import tls from "node:tls";
import { TokenHttpClient } from "../../src/auth/http-client.js";
import "../../src/i18n/catalogs.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";

async function jsonServer(cert: { keyPem: string; certPem: string }): Promise<tls.Server> {
  const s = tls.createServer({ key: cert.keyPem, cert: cert.certPem }, (sock) => {
    sock.on("error", () => {});
    sock.once("data", () => {
      const body = '{"ok":true}';
      sock.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
  });
  s.on("tlsClientError", () => {});
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return s;
}

const portOf = (s: tls.Server) => (s.address() as { port: number }).port;

describe("TokenHttpClient with extra CAs", () => {
  let pki: TestPki;
  let other: TestPki;
  let good: tls.Server;
  let untrusted: tls.Server;

  before(async () => {
    pki = createTestPki();
    other = createTestPki();
    good = await jsonServer(pki.issueServerCert());
    untrusted = await jsonServer(other.issueServerCert());
  });
  after(async () => {
    for (const s of [good, untrusted]) await new Promise<void>((r) => s.close(() => r()));
  });

  test("every request shares one TLS context; a server outside those CAs is still refused", async () => {
    const created: unknown[] = [];
    const original = tls.createSecureContext;
    tls.createSecureContext = (o?: tls.SecureContextOptions) => {
      created.push(o);
      return original(o);
    };
    try {
      const http = new TokenHttpClient({ ca: [pki.ca.certPem], attempts: 1 });
      for (let i = 0; i < 4; i++) {
        const r = await http.sendPostRequestAsync(`https://127.0.0.1:${portOf(good)}/t/oauth2/v2.0/token`, {
          body: "grant_type=x",
        });
        assert.equal(r.status, 200);
      }
      assert.ok(created.length <= 1, `${created.length} TLS contexts for 4 requests`);
      await assert.rejects(
        http.sendPostRequestAsync(`https://127.0.0.1:${portOf(untrusted)}/t/oauth2/v2.0/token`, { body: "x" }),
        (err: { code?: string }) => err.code === "TLS_UNTRUSTED",
      );
    } finally {
      tls.createSecureContext = original;
    }
  });
});
