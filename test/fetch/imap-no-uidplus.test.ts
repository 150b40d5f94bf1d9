/**
 * IMAP --delete against a server without UIDPLUS: imapflow would send a plain EXPUNGE, which removes every \Deleted
 * message of the folder (also ones another client flagged and we never delivered). The engine flags only, warns once,
 * and leaves \Deleted messages out of the plan.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { ImapFlow } from "imapflow";
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

it("imap without UIDPLUS: --delete flags delivered messages \\Deleted, never expunges, warns once", async (t) => {
  const open = ImapFlow.prototype.mailboxOpen;
  ImapFlow.prototype.mailboxOpen = function (this: ImapFlow, ...a: Parameters<typeof open>) {
    this.capabilities.delete("UIDPLUS"); // as if the server did not advertise it
    return open.apply(this, a);
  };
  t.after(() => {
    ImapFlow.prototype.mailboxOpen = open;
  });
  const mb = exo.directory.findMailbox(address);
  assert.ok(mb);
  const inbox = mb.folders.get("INBOX") as NonNullable<ReturnType<typeof mb.folders.get>>;
  inbox.splice(0);
  const ours = [plainMessage(1, 3000), plainMessage(2, 3000)];
  for (const m of ours) exo.directory.deliver(address, m);
  const othersDeleted = exo.directory.deliver(address, plainMessage(3, 3000), "INBOX", ["\\Deleted"]);

  const events: FetchEvent[] = [];
  const o = options("imap", { onEvent: (e) => events.push(e) });
  const s = await fetchAccount(o);
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, 2, "the message another client flagged \\Deleted is not in the plan");
  assert.equal(s.deleted, 0);
  assert.equal(inbox.length, 3, "nothing expunged");
  assert.ok(inbox.includes(othersDeleted), "another client's \\Deleted message survives");
  assert.ok(
    inbox.every((m) => m.flags.has("\\Deleted")),
    "ours are flagged \\Deleted",
  );
  const warnings = events.filter((e) => e.type === "warning");
  assert.deepEqual(
    warnings.map((e) => e.type === "warning" && e.message),
    ["server lacks UIDPLUS: messages were flagged \\Deleted but not expunged"],
  );

  // The next run skips the flagged messages: nothing fetched, nothing flagged again, nothing expunged.
  const again = await fetchAccount({ ...o, onEvent: undefined });
  assert.equal(again.ok, true, JSON.stringify(again.errors));
  assert.equal(again.fetched, 0);
  assert.equal(inbox.length, 3);
});
