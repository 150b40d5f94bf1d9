import assert from "node:assert/strict";
import net from "node:net";
import { after, before, test } from "node:test";
import tls from "node:tls";
import { connect, timingsOf } from "../../src/net/connect.js";
import { Pop3Client } from "../../src/pop3/client.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { EXO, startScriptedServer } from "../harness/servers/scripted-pop3.js";

let pki: TestPki;
let goodCert: { certPem: string; keyPem: string };
const servers: { close(cb?: () => void): unknown }[] = [];

before(() => {
  pki = createTestPki();
  goodCert = pki.issueServerCert(["127.0.0.1", "localhost"]);
});
after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
});

async function tlsServer(cert: { certPem: string; keyPem: string }): Promise<number> {
  const s = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (sock) => {
    sock.on("error", () => {});
    sock.end("+OK hi\r\n");
  });
  s.on("tlsClientError", () => {});
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as net.AddressInfo).port;
}

test("implicit TLS with the test CA succeeds and records tcpMs and tlsMs", async () => {
  const port = await tlsServer(goodCert);
  const s = await connect({ host: "127.0.0.1", port, tls: "implicit", ca: [pki.ca.certPem] });
  assert.ok(s instanceof tls.TLSSocket && s.authorized);
  const t = timingsOf(s);
  assert.equal(typeof t.tcpMs, "number");
  assert.equal(typeof t.tlsMs, "number");
  s.destroy();
});

test("a certificate from an unknown CA is TLS_UNTRUSTED", async () => {
  const port = await tlsServer(goodCert);
  await assert.rejects(connect({ host: "127.0.0.1", port, tls: "implicit" }), { code: "TLS_UNTRUSTED" });
});

test("a certificate for another name is TLS_HOSTNAME_MISMATCH", async () => {
  const port = await tlsServer(pki.issueServerCert(["mail.example.org"]));
  await assert.rejects(connect({ host: "127.0.0.1", port, tls: "implicit", ca: [pki.ca.certPem] }), {
    code: "TLS_HOSTNAME_MISMATCH",
  });
});

test("a closed port is MAIL_SERVER_UNREACHABLE", async () => {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  await assert.rejects(connect({ host: "127.0.0.1", port, tls: "none" }), { code: "MAIL_SERVER_UNREACHABLE" });
});

test("STLS upgrades the session, re-reads CAPA and then authenticates over TLS", async () => {
  let secure = false;
  const srv = await startScriptedServer(EXO.greeting, (line, c) => {
    if (line === "CAPA") c.send(secure ? EXO.capa : "+OK\r\nSTLS\r\nUSER\r\n.\r\n");
    else if (line === "STLS") {
      c.send("+OK Begin TLS negotiation\r\n");
      secure = true;
      c.startTls(goodCert);
    } else if (line === "AUTH XOAUTH2") c.send("+ \r\n");
    else c.send(`${EXO.authOk}\r\n`);
  });
  try {
    const c = await Pop3Client.connect({ host: "127.0.0.1", port: srv.port, tls: "starttls", ca: [pki.ca.certPem] });
    assert.ok(c.session.currentSocket instanceof tls.TLSSocket);
    assert.equal(typeof c.timings.tlsMs, "number");
    assert.deepEqual(c.capabilities.sasl, ["PLAIN", "XOAUTH2"]);
    await c.authenticateXoauth2("a@b.c", "tok-123456");
    assert.deepEqual(srv.received.slice(0, 4), ["CAPA", "STLS", "CAPA", "AUTH XOAUTH2"]);
    c.close();
  } finally {
    await srv.close();
  }
});

test("STLS with an untrusted certificate is TLS_UNTRUSTED and nothing else is sent", async () => {
  const srv = await startScriptedServer(EXO.greeting, (line, c) => {
    if (line === "CAPA") c.send("+OK\r\nSTLS\r\n.\r\n");
    else if (line === "STLS") {
      c.send("+OK\r\n");
      c.startTls(createTestPki().issueServerCert());
    }
  });
  try {
    await assert.rejects(
      Pop3Client.connect({ host: "127.0.0.1", port: srv.port, tls: "starttls", ca: [pki.ca.certPem] }),
      { code: "TLS_UNTRUSTED" },
    );
    assert.deepEqual(srv.received, ["CAPA", "STLS"]);
  } finally {
    await srv.close();
  }
});
