/**
 * Shared world for fetch tests that drive the engine directly against the identity fake and the Exchange fake:
 * importing this module registers before/after hooks that start and stop both (./world.ts; one world per test file).
 * The bindings are live: read them inside tests, not at import time.
 */
import { join } from "node:path";
import { after, before } from "node:test";
import { createTokenProvider } from "../../src/auth/provider.js";
import type { TokenProvider } from "../../src/auth/types.js";
import type { FetchOptions } from "../../src/fetch/types.js";
import type { ExchangeFake, ExchangePorts } from "../../src/sandbox/exchange/index.js";
import { defaultSandboxTenant, type IdentityFake } from "../../src/sandbox/identity/index.js";
import { type ExchangeWorld, startWorld } from "./world.js";

export const tenant = defaultSandboxTenant();
export const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
export let identity: IdentityFake;
export let exo: ExchangeFake;
export let ports: ExchangePorts;
export let dir: string;
export let ca: string;
export let address: string;
let n = 0;

export function provider(): TokenProvider {
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

export function options(protocol: "pop3" | "imap", over: Partial<FetchOptions> = {}): FetchOptions {
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

let world: ExchangeWorld | undefined;
before(async () => {
  world = await startWorld({ prefix: "xoauth-fetch-exo-", identity: { tenants: [tenant] }, exchange: {} });
  ({ identity, exchange: exo, ports, dir } = world);
  ca = world.pki.ca.certPem;
  address = `info@${tenant.domains[0]}`;
});
after(async () => {
  await world?.stop();
});
