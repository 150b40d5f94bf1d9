/**
 * Shared setup of the `test` command's end-to-end tests (test/cli/test-command-*.test.ts): the BUILT CLI (`node bin/xoauth-mail.js test`) against the identity fake and the Exchange fake on
 * loopback: success over POP3, IMAP, SMTP and every diagnosis code (--json diagnosis.code and the exit code).
 * Compile first: `npx tsc -p tsconfig.json`.
 */
import assert from "node:assert/strict";
import type { Server } from "node:net";
import { join } from "node:path";
import { after, before } from "node:test";
import { type ExchangeFake, type ExchangePorts, sandboxDirectory } from "../../src/sandbox/exchange/index.js";
import {
  defaultSandboxTenant,
  type FakeApp,
  type FakeTenant,
  type IdentityFake,
} from "../../src/sandbox/identity/index.js";
import type { TestPki } from "../../src/sandbox/pki.js";
import { runCli } from "./cli.js";
import { cliJson, loginArgs } from "./e2e.js";
import { type ExchangeWorld, startWorld } from "./world.js";

export { runCli };

export const base = defaultSandboxTenant();
export const app = base.apps[0] as FakeApp;
export const TENANT = base.tenantId;
export const SECRET = app.secrets[0]?.value as string;
export const MB = "info@contoso.onmicrosoft.com";
export const MB_NO_FULLACCESS = "nofa@contoso.onmicrosoft.com";
export const MB_POP_OFF = "popoff@contoso.onmicrosoft.com";
export const MB_SMTP_OFF = "smtpoff@contoso.onmicrosoft.com";
export const MB_NO_SENDAS = "fullaccess-only@contoso.onmicrosoft.com";

/** Another app of the sandbox tenant: the sandbox app's secret, its own IDs (`group` keeps test files' apps apart). */
export function sibling(n: number, extra: Partial<FakeApp>, group = "3333"): FakeApp {
  const hex = n.toString(16).padStart(12, "0");
  return {
    ...app,
    clientId: `0b6c2f4e-${group}-4a5b-8c7d-${hex}`,
    appObjectId: `1b6c2f4e-${group}-4a5b-8c7d-${hex}`,
    servicePrincipalObjectId: `2b6c2f4e-${group}-4a5b-8c7d-${hex}`,
    ...extra,
  };
}
export const NO_ROLES = sibling(1, { grantedRoles: [] });
export const IMAP_ONLY = sibling(2, { grantedRoles: ["IMAP.AccessAsApp"] });
export const NOT_REGISTERED = sibling(3, {});
export const WRONG_OID = sibling(4, {});

export let pki: TestPki;
export let identity: IdentityFake;
export let exchange: ExchangeFake;
export let ports: ExchangePorts;
export let dir: string;
export let caFile: string;
const servers: Server[] = [];
let cacheN = 0;
let fakes: ExchangeWorld | undefined;

/** Starts the fakes for the calling test file (call at module level). */
export function useFakes(): void {
  before(async () => {
    const tenant: FakeTenant = { ...base, apps: [app, NO_ROLES, IMAP_ONLY, NOT_REGISTERED, WRONG_OID] };
    const directory = sandboxDirectory({ ...tenant, apps: [app, NO_ROLES, IMAP_ONLY] });
    directory.registerServicePrincipal({ appId: WRONG_OID.clientId, objectId: WRONG_OID.appObjectId });
    directory.addMailbox({ address: MB_NO_FULLACCESS });
    directory.addMailbox({ address: MB_POP_OFF, popEnabled: false });
    directory.grantFullAccess(app.servicePrincipalObjectId, MB_POP_OFF);
    directory.addMailbox({ address: MB_SMTP_OFF, smtpClientAuthEnabled: false });
    directory.grantFullAccess(app.servicePrincipalObjectId, MB_SMTP_OFF);
    directory.addMailbox({ address: MB_NO_SENDAS });
    directory.grantFullAccess(app.servicePrincipalObjectId, MB_NO_SENDAS);
    fakes = await startWorld({ prefix: "xoauth-test-e2e-", identity: { tenants: [tenant] }, exchange: { directory } });
    ({ dir, pki, identity, caFile, exchange, ports } = fakes);
  });

  after(async () => {
    for (const s of servers) s.close();
    await fakes?.stop();
  });
}

export type Proto = "pop3" | "pop3-stls" | "imap" | "smtp";
export function server(p: Proto): string[] {
  const map = {
    pop3: ["pop3", ports.pop3s, "implicit"],
    "pop3-stls": ["pop3", ports.pop3, "starttls"],
    imap: ["imap", ports.imaps, "implicit"],
    smtp: ["smtp", ports.smtp, "starttls"],
  } as const;
  const [protocol, port, tls] = map[p];
  return ["--protocol", protocol, "--host", "127.0.0.1", "--port", String(port), "--tls", tls];
}

export async function runTest(args: string[], opts: { client?: string; mailbox?: string; cacheDir?: string } = {}) {
  const r = await runCli(["test", "--json", ...login({ client: opts.client, mailbox: opts.mailbox }), ...args], {
    env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: opts.cacheDir ?? join(dir, `cache-${++cacheN}`) },
  });
  return { ...r, json: cliJson(r) };
}

/** --authority-host, --ca-file, --tenant-id, --client-id (default: the app) and --mailbox (default: MB). */
export function login(opts: { client?: string | undefined; mailbox?: string | undefined } = {}): string[] {
  return loginArgs({
    identity,
    caFile,
    tenantId: TENANT,
    clientId: opts.client ?? app.clientId,
    mailbox: opts.mailbox ?? MB,
  });
}

export function expectCode(r: Awaited<ReturnType<typeof runTest>>, code: string, exit: number): void {
  assert.equal(r.json.diagnosis?.code, code, JSON.stringify(r.json, null, 2));
  assert.equal(r.code, exit, r.stderr);
  assert.equal(r.json.ok, code === "OK");
}

export function listen(s: Server): Promise<number> {
  servers.push(s);
  return new Promise((res) => s.listen(0, "127.0.0.1", () => res((s.address() as { port: number }).port)));
}
