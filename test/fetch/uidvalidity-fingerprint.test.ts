/**
 * UIDVALIDITY change (docs/exactly-once.md): messages are matched by fingerprint (Message-ID + size) only in the run
 * that saw the change; later runs download a new message even when an earlier one had the same fingerprint.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { createTokenProvider } from "../../src/auth/provider.js";
import type { TokenProvider } from "../../src/auth/types.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import type { FetchEvent, FetchOptions } from "../../src/fetch/types.js";
import { ExchangeFake, type ExchangePorts, sandboxDirectory } from "../../src/sandbox/exchange/index.js";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { plainMessage } from "./messages.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
let identity: IdentityFake;
let exo: ExchangeFake;
let ports: ExchangePorts;
let dir: string;
let ca: string;
let address: string;
let n = 0;

function provider(): TokenProvider {
  return createTokenProvider(
    {
      tenantId: tenant.tenantId,
      clientId: app.clientId,
      credential: { kind: "secret", secret: app.secrets[0]?.value as string, source: "flag" },
      authorityHost: identity.url,
      scope: "https://outlook.office365.com/.default",
      ca: [ca],
      proxy: undefined,
      noProxy: undefined,
      noCache: true,
    } as Parameters<typeof createTokenProvider>[0],
    { http: { sleep: async () => {} } },
  );
}

function options(protocol: "pop3" | "imap", over: Partial<FetchOptions> = {}): FetchOptions {
  return {
    account: address,
    protocol,
    server: { host: "127.0.0.1", port: protocol === "pop3" ? ports.pop3s : ports.imaps, tls: "implicit", ca: [ca] },
    tokenProvider: provider(),
    maildir: join(dir, `md-${++n}`),
    delete: true,
    backoffMs: 10,
    ...over,
  };
}

before(async () => {
  const pki = createTestPki();
  ca = pki.ca.certPem;
  identity = new IdentityFake({ pki, tenants: [tenant] });
  await identity.start();
  const directory = sandboxDirectory(tenant);
  address = `info@${tenant.domains[0]}`;
  exo = new ExchangeFake({ directory, pki, identity: { publicKeyPem: identity.signingKey.publicKeyPem } });
  ports = await exo.start();
  dir = mkdtempSync(join(tmpdir(), "xoauth-fetch-recovered-"));
});
after(async () => {
  await exo?.stop();
  await identity?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("imap: fingerprint matching is limited to the run that saw the UIDVALIDITY change", async () => {
  const mb = exo.directory.findMailbox(address);
  assert.ok(mb);
  mb.folders.get("INBOX")?.splice(0);
  const a = plainMessage(1, 3000);
  exo.directory.deliver(address, a);
  const o = options("imap", { delete: false });
  const first = await fetchAccount(o);
  assert.equal(first.ok, true, JSON.stringify(first.errors));
  assert.equal(first.fetched, 1);

  mb.uidValidity += 1;
  const events: FetchEvent[] = [];
  const second = await fetchAccount({ ...o, onEvent: (e) => events.push(e) });
  assert.equal(second.ok, true, JSON.stringify(second.errors));
  assert.ok(events.some((e) => e.type === "uidvalidity"));
  assert.equal(second.fetched, 0, "the renumbered message is recognised by its fingerprint, not downloaded");

  // A later run without a change: a second copy of the same message is a new message and must be downloaded
  // (a match here would, with --delete, expunge it without a copy in the Maildir).
  exo.directory.deliver(address, a);
  const third = await fetchAccount(o);
  assert.equal(third.ok, true, JSON.stringify(third.errors));
  assert.equal(third.fetched, 1);
});
