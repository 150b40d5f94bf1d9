import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import { createServer as createTlsServer } from "node:tls";
import { SMTPServer } from "smtp-server";
import { SMTP_TEXT } from "../../src/sandbox/exchange/index.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { expectCode, listen, MB, pki, runTest, useFakes } from "../harness/e2e-fixture.js";
import { badCert, scriptedTlsServer } from "../harness/servers/bad-tls.js";

useFakes();

describe("network, TLS and protocol", () => {
  test("MAIL_SERVER_UNREACHABLE: nothing listens (exit 5)", async () => {
    const s = createServer();
    const port = await listen(s);
    s.close();
    expectCode(
      await runTest(["--protocol", "pop3", "--host", "127.0.0.1", "--port", String(port), "--tls", "implicit"]),
      "MAIL_SERVER_UNREACHABLE",
      5,
    );
  });
  test("TLS_UNTRUSTED: certificate from an unknown CA", async () => {
    const other = createTestPki().issueServerCert(["127.0.0.1"]);
    const port = await listen(createTlsServer({ cert: other.certPem, key: other.keyPem }, (s) => s.end()));
    expectCode(
      await runTest(["--protocol", "pop3", "--host", "127.0.0.1", "--port", String(port), "--tls", "implicit"]),
      "TLS_UNTRUSTED",
      5,
    );
  });
  test("TLS_HOSTNAME_MISMATCH: trusted certificate for another name", async () => {
    const c = pki.issueServerCert(["mail.other.example"]);
    const port = await listen(createTlsServer({ cert: c.certPem, key: c.keyPem }, (s) => s.end()));
    expectCode(
      await runTest(["--protocol", "imap", "--host", "127.0.0.1", "--port", String(port), "--tls", "implicit"]),
      "TLS_HOSTNAME_MISMATCH",
      5,
    );
  });
  test("IMAP STARTTLS with an expired certificate: TLS_UNTRUSTED saying so, not PROTOCOL_ERROR (exit 5)", async () => {
    const port = await listen(scriptedTlsServer("imap", false, badCert(pki, "expired")));
    const r = await runTest(["--protocol", "imap", "--host", "127.0.0.1", "--port", String(port), "--tls", "starttls"]);
    expectCode(r, "TLS_UNTRUSTED", 5);
    assert.match(r.json.diagnosis.summary, /has expired/);
    assert.doesNotMatch(r.stdout, /certificate trusted|does not offer STARTTLS/);
  });
  test("TIMEOUT: the server never greets", async () => {
    const port = await listen(createServer(() => {}));
    const r = await runTest([
      "--protocol",
      "pop3",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--tls",
      "starttls",
      "--timeout",
      "500",
    ]);
    expectCode(r, "TIMEOUT", 5);
  });
  test("XOAUTH2_NOT_OFFERED: CAPA without XOAUTH2", async () => {
    const c = pki.issueServerCert(["127.0.0.1"]);
    const port = await listen(
      createTlsServer({ cert: c.certPem, key: c.keyPem }, (s) => {
        s.write("+OK ready\r\n");
        s.on("data", (d: Buffer) => {
          const cmd = d.toString().trim().toUpperCase();
          if (cmd === "CAPA") s.write("+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n");
          else if (cmd === "QUIT") s.end("+OK bye\r\n");
          else s.write("-ERR no\r\n");
        });
      }),
    );
    const r = await runTest(["--protocol", "pop3", "--host", "127.0.0.1", "--port", String(port), "--tls", "implicit"]);
    expectCode(r, "XOAUTH2_NOT_OFFERED", 4);
  });

  test("SEND_AS_DENIED: login works, the message is refused with 5.2.252 SendAsDenied", async () => {
    const c = pki.issueServerCert(["127.0.0.1"]);
    const smtp = new SMTPServer({
      key: c.keyPem,
      cert: c.certPem,
      authMethods: ["XOAUTH2"],
      onAuth: (auth, _s, cb) => cb(null, { user: auth.username }),
      onData: (stream, _s, cb) => {
        stream.resume();
        stream.on("end", () =>
          cb(Object.assign(new Error(SMTP_TEXT.sendAsDenied(MB, MB, "127.0.0.1")), { responseCode: 554 })),
        );
      },
    });
    const port = await listen(smtp.server);
    const r = await runTest([
      "--protocol",
      "smtp",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--tls",
      "starttls",
      "--send-test-to",
      "x@fabrikam.example",
    ]);
    smtp.close();
    expectCode(r, "SEND_AS_DENIED", 4);
  });

  test("PROTOCOL_ERROR: not a POP3 server", async () => {
    const port = await listen(createServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n")));
    expectCode(
      await runTest(["--protocol", "pop3", "--host", "127.0.0.1", "--port", String(port), "--tls", "starttls"]),
      "PROTOCOL_ERROR",
      4,
    );
  });
});
