import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { ExchangeFake, type ExchangePorts, sandboxDirectory } from "../../src/sandbox/exchange/index.js";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { openRawSource } from "../../src/send/source.js";
import { SendFailed, sendOne } from "../../src/send/transport.js";

const tenant = defaultSandboxTenant();
const MB = "info@contoso.onmicrosoft.com";
let pki: TestPki;
let identity: IdentityFake;
let exchange: ExchangeFake;
let ports: ExchangePorts;

before(async () => {
  pki = createTestPki();
  identity = new IdentityFake({ pki, tenants: [tenant] });
  exchange = new ExchangeFake({
    directory: sandboxDirectory(tenant),
    pki,
    identity: { publicKeyPem: identity.signingKey.publicKeyPem },
  });
  ports = await exchange.start();
});
after(async () => {
  await exchange.stop();
});

test("a raw message that passes the bound while streaming fails with LIMIT_EXCEEDED and is not delivered", async () => {
  const body = Readable.from([
    Buffer.from("Subject: too-big-1\r\n\r\n"),
    Buffer.alloc(4096, 0x61),
    Buffer.alloc(4096, 0x62),
  ]);
  const source = await openRawSource("-", { stdin: body, maxBytes: 6000 });
  const opts = {
    host: "127.0.0.1",
    port: ports.smtp,
    tls: "starttls" as const,
    ca: pki.ca.certPem,
    user: MB,
    token: identity.mintAccessToken(),
  };
  await assert.rejects(
    sendOne(opts, { kind: "raw", source }, { from: MB, to: ["x@fabrikam.example"] }),
    (e: unknown) => {
      return e instanceof SendFailed && e.error.code === "LIMIT_EXCEEDED";
    },
  );
  assert.ok(!exchange.sent.some((m) => m.raw.includes("too-big-1")));
});
