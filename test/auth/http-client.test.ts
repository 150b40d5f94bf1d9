/** The token HTTP client's network failures: a missing answer is told apart from a blocked connection. */
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { createServer, type Server } from "node:tls";
import { TokenHttpClient } from "../../src/auth/http-client.js";
import type { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";

describe("TokenHttpClient timeouts", () => {
  let pki: TestPki;
  let silent: Server;
  const sockets = new Set<Socket>();
  let port = 0;
  let requestBytes = 0;

  before(async () => {
    pki = createTestPki();
    const cert = pki.issueServerCert();
    // Accepts TLS, reads the request, never answers.
    silent = createServer({ key: cert.keyPem, cert: cert.certPem }, (s) => {
      sockets.add(s);
      s.on("error", () => {});
      s.on("data", (d: Buffer) => {
        requestBytes += d.length;
      });
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    port = (silent.address() as { port: number }).port;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  test("a request that was sent but not answered is TIMEOUT saying 'no answer after the request was sent'", async () => {
    const http = new TokenHttpClient({ ca: [pki.ca.certPem], timeoutMs: 3000, attempts: 1 });
    await assert.rejects(
      http.sendPostRequestAsync(`https://127.0.0.1:${port}/t/oauth2/v2.0/token`, { body: "grant_type=x" }),
      (err: XoauthError) => {
        assert.equal(err.code, "TIMEOUT");
        assert.match(err.message, /^No answer from 127\.0\.0\.1:\d+ within 3 s after the token request was sent\.$/);
        assert.doesNotMatch(`${err.why} ${err.fix.join(" ")}`, /firewall drops/);
        assert.match(err.why ?? "", /request was sent/);
        return true;
      },
    );
    assert.ok(requestBytes > 0, "the request reached the server");
  });
});
