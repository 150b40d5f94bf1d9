/**
 * One shared TLS context per extra-CA list (src/net/trust.ts): reused, told apart by content, bounded; it trusts Node's
 * default store plus the list, and the list only on that context.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import tls from "node:tls";
import { connect } from "../../src/net/connect.js";
import { trustedContext } from "../../src/net/trust.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";

test("the same CA list gives the same context, another list another one; no extra CA: none", () => {
  const a = createTestPki().ca.certPem;
  const b = createTestPki().ca.certPem;
  assert.equal(trustedContext(undefined), undefined);
  assert.equal(trustedContext([]), undefined);
  const ctx = trustedContext([a]);
  assert.ok(ctx);
  assert.equal(trustedContext([a]), ctx, "a new array with the same PEM (every connection builds one)");
  assert.equal(trustedContext(a), ctx);
  assert.notEqual(trustedContext([b]), ctx);
  assert.notEqual(trustedContext([a, b]), ctx);
});

test("the cache is bounded: many distinct lists do not pile up, the oldest is made again when asked", () => {
  const pems = Array.from({ length: 10 }, () => createTestPki().ca.certPem);
  const first = trustedContext([pems[0] as string]);
  for (const p of pems.slice(1)) trustedContext([p]);
  assert.notEqual(trustedContext([pems[0] as string]), first, "evicted, then built anew");
  const last = trustedContext([pems[9] as string]);
  assert.equal(trustedContext([pems[9] as string]), last);
});

/** A TLS server with a certificate from `pki`, for one test; closed at its end. */
async function serverOf(t: { after(fn: () => void): void }, pki: TestPki): Promise<number> {
  const cert = pki.issueServerCert(["127.0.0.1"]);
  const s = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (sock) => {
    sock.on("error", () => {});
    sock.end("+OK hi\r\n");
  });
  s.on("tlsClientError", () => {});
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  t.after(() => s.close());
  return (s.address() as AddressInfo).port;
}

test("extra CAs are trusted on their own context only: Node's shared default store does not gain them", async (t) => {
  const a = createTestPki();
  const b = createTestPki();
  const port = await serverOf(t, a);
  const ok = await connect({ host: "127.0.0.1", port, tls: "implicit", ca: [a.ca.certPem] });
  assert.ok(ok instanceof tls.TLSSocket && ok.authorized);
  ok.destroy();
  await assert.rejects(connect({ host: "127.0.0.1", port, tls: "implicit", ca: [b.ca.certPem] }), {
    code: "TLS_UNTRUSTED",
  });
  await assert.rejects(connect({ host: "127.0.0.1", port, tls: "implicit" }), { code: "TLS_UNTRUSTED" });
});

test("with extra CAs, Node's default store stays trusted (NODE_EXTRA_CA_CERTS stands in for its roots)", async (t) => {
  const envCa = createTestPki();
  const other = createTestPki();
  const port = await serverOf(t, envCa);
  const dir = mkdtempSync(join(tmpdir(), "xoauth-trust-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, "env-ca.pem");
  writeFileSync(caFile, envCa.ca.certPem);
  const connectUrl = new URL("../../src/net/connect.js", import.meta.url).href;
  // In a child: NODE_EXTRA_CA_CERTS is read by Node at start-up only.
  const script = `
    const { connect } = await import(${JSON.stringify(connectUrl)});
    const s = await connect({ host: "127.0.0.1", port: ${port}, tls: "implicit", ca: [process.env.OTHER_CA] })
      .catch((e) => ({ code: e.code }));
    console.log(s.authorized === true ? "authorized" : s.code);
    s.destroy?.();`;
  // Asynchronously: the server is in this process.
  const run = (extra: Record<string, string>) =>
    new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--input-type=module", "-e", script],
        { env: { PATH: process.env.PATH ?? "", OTHER_CA: other.ca.certPem, ...extra }, encoding: "utf8" },
        (err, stdout) => (err ? reject(err) : resolve(stdout.trim())),
      );
    });
  assert.equal(await run({ NODE_EXTRA_CA_CERTS: caFile }), "authorized");
  assert.equal(await run({}), "TLS_UNTRUSTED");
});
