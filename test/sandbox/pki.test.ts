import assert from "node:assert/strict";
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect } from "node:tls";
import { createTestPki, type TestPki, writePkiFiles } from "../../src/sandbox/pki.js";

const pki: TestPki = createTestPki();

function listen(certPem: string, keyPem: string, host = "127.0.0.1"): Promise<Server> {
  const srv = createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end("ok"));
  return new Promise((resolve) => srv.listen(0, host, () => resolve(srv)));
}

function handshake(opts: { port: number; host: string; ca: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ port: opts.port, host: opts.host, ca: opts.ca, servername: opts.servername }, () => {
      s.end();
      resolve("ok");
    });
    s.on("error", (err: NodeJS.ErrnoException) => reject(err));
  });
}

describe("test PKI with Node's TLS", () => {
  let srv: Server;
  let port: number;
  before(async () => {
    const sc = pki.issueServerCert(["127.0.0.1", "::1", "localhost"]);
    srv = await listen(sc.certPem, sc.keyPem);
    port = (srv.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => srv.close(() => r())));

  test("server cert verifies against the CA by IP and by DNS name", async () => {
    assert.equal(await handshake({ port, host: "127.0.0.1", ca: pki.ca.certPem }), "ok");
    assert.equal(await handshake({ port, host: "127.0.0.1", ca: pki.ca.certPem, servername: "localhost" }), "ok");
  });

  test("hostname mismatch is rejected with ERR_TLS_CERT_ALTNAME_INVALID", async () => {
    await assert.rejects(handshake({ port, host: "127.0.0.1", ca: pki.ca.certPem, servername: "mail.example.org" }), {
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
  });

  test("a cert from another CA is untrusted", async () => {
    const other = createTestPki({ commonName: "other CA" });
    await assert.rejects(handshake({ port, host: "127.0.0.1", ca: other.ca.certPem }), (err: NodeJS.ErrnoException) => {
      assert.match(String(err.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
      return true;
    });
  });
});

test("server cert covers IPv6 loopback", async () => {
  const sc = pki.issueServerCert(["::1"]);
  const x = new X509Certificate(sc.certPem);
  assert.match(x.subjectAltName ?? "", /IP Address:0:0:0:0:0:0:0:1/);
  assert.equal(x.checkIssued(new X509Certificate(pki.ca.certPem)), true);
});

test("client cert thumbprints are base64url SHA-256 / SHA-1 of the DER", () => {
  const notAfter = new Date(Date.now() + 3_600_000);
  const cc = pki.issueClientCert("app-cert", { notAfter });
  const x = new X509Certificate(cc.certPem);
  assert.equal(cc.x5tS256, createHash("sha256").update(x.raw).digest("base64url"));
  assert.equal(cc.x5t, createHash("sha1").update(x.raw).digest("base64url"));
  assert.equal(new Date(x.validTo).getTime(), Math.floor(notAfter.getTime() / 1000) * 1000);
  assert.equal(cc.combinedPem, cc.certPem + cc.keyPem);
  assert.match(cc.keyPem, /BEGIN PRIVATE KEY/);
  assert.equal(x.checkPrivateKey(createPrivateKey(cc.keyPem)), true);
});

test("writePkiFiles writes ca.pem", () => {
  const dir = mkdtempSync(join(tmpdir(), "xoauth-pki-"));
  try {
    const { caFile } = writePkiFiles(pki, join(dir, "sub"));
    assert.equal(readFileSync(caFile, "utf8"), pki.ca.certPem);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
