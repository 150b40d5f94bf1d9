/**
 * The one place to start the test world: a temp dir, a test PKI (its CA in `<dir>/ca.pem`, for --ca-file), the
 * identity fake (token endpoint), and on request the Exchange fake and/or a real Dovecot, both trusting the identity
 * fake's signing key. Everything binds 127.0.0.1; `stop()` stops what was started and removes the dir.
 *
 *   const w = await startWorld({ dovecot: { mailboxes: [MB] } });      // identity fake + Dovecot
 *   const w = await startWorld({ exchange: { directory } });           // identity fake + Exchange fake
 *   const w = await startWorld({ exchange: {}, graph: {} });           // + the Graph fake over the same mailboxes
 *   after(() => w.stop());
 *
 * Tests that run the BUILT CLI against the world: compile first (`npm run build:all`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ExchangeDirectory,
  ExchangeFake,
  type ExchangePorts,
  sandboxDirectory,
} from "../../src/sandbox/exchange/index.js";
import { GraphFake } from "../../src/sandbox/graph/index.js";
import { defaultSandboxTenant, type FakeApp, type FakeTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { type Dovecot, startDovecot } from "./dovecot/dovecot.js";

/** The audience Exchange Online (and the test Dovecot) requires. */
export const EXO_AUDIENCE = "https://outlook.office365.com";

export interface WorldOptions {
  /** Prefix of the temp dir's name (default `xoauth-world-`). */
  prefix?: string;
  /** The identity fake's tenants (default: the sandbox tenant, `defaultSandboxTenant()`). */
  identity?: { tenants?: FakeTenant[] };
  /** Start the Exchange fake over `directory` (default: `sandboxDirectory(<first tenant>)`). */
  exchange?: { directory?: ExchangeDirectory };
  /**
   * Start the Graph fake (`w.graph`, `w.graphUrl` for --graph-url) over the Exchange fake's directory when both are
   * started, else over `directory` (default: `sandboxDirectory(<first tenant>)`). Tokens: `w.identity.mintAccessToken(
   * {}, { resource: "graph" })` or the token endpoint with scope https://graph.microsoft.com/.default.
   */
  graph?: { directory?: ExchangeDirectory };
  /** Start a real Dovecot that accepts the tokens of `tenant` (default: the first tenant) for `mailboxes`. */
  dovecot?: { tenant?: FakeTenant; mailboxes?: string[] };
}

export interface World {
  dir: string;
  pki: TestPki;
  identity: IdentityFake;
  /** `<dir>/ca.pem`: the test CA, for --ca-file. */
  caFile: string;
  /** The first of the identity fake's tenants, and its first app. */
  tenant: FakeTenant;
  app: FakeApp;
  stop(): Promise<void>;
}
export interface ExchangeWorld extends World {
  exchange: ExchangeFake;
  ports: ExchangePorts;
}
export interface GraphWorld extends World {
  graph: GraphFake;
  /** `https://127.0.0.1:PORT/v1.0`. */
  graphUrl: string;
}
export interface DovecotWorld extends World {
  dovecot: Dovecot;
}

type WithExchange = { exchange: NonNullable<WorldOptions["exchange"]> };
type WithDovecot = { dovecot: NonNullable<WorldOptions["dovecot"]> };
type WithGraph = { graph: NonNullable<WorldOptions["graph"]> };

export function startWorld(o: WorldOptions & WithExchange & WithGraph): Promise<ExchangeWorld & GraphWorld>;
export function startWorld(o: WorldOptions & WithGraph): Promise<GraphWorld>;
export function startWorld(o: WorldOptions & WithExchange & WithDovecot): Promise<ExchangeWorld & DovecotWorld>;
export function startWorld(o: WorldOptions & WithExchange): Promise<ExchangeWorld>;
export function startWorld(o: WorldOptions & WithDovecot): Promise<DovecotWorld>;
export function startWorld(o?: WorldOptions): Promise<World>;
export async function startWorld(
  o: WorldOptions = {},
): Promise<World & Partial<ExchangeWorld & DovecotWorld & GraphWorld>> {
  const tenants = o.identity?.tenants ?? [defaultSandboxTenant()];
  const tenant = tenants[0] as FakeTenant;
  const dir = mkdtempSync(join(tmpdir(), o.prefix ?? "xoauth-world-"));
  const pki = createTestPki();
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, pki.ca.certPem);
  const identity = new IdentityFake({ pki, tenants });
  const started: { stop(): Promise<void> }[] = [];
  /** Stops what was started, last first, then removes the dir. */
  const stop = async () => {
    try {
      for (const s of started.splice(0).reverse()) await s.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const world: World & Partial<ExchangeWorld & DovecotWorld & GraphWorld> = {
    dir,
    pki,
    identity,
    caFile,
    tenant,
    app: tenant.apps[0] as FakeApp,
    stop,
  };
  try {
    await identity.start();
    started.push(identity);
    const { signingKey } = identity;
    if (o.exchange) {
      const exchange = new ExchangeFake({
        directory: o.exchange.directory ?? sandboxDirectory(tenant),
        pki,
        identity: { publicKeyPem: signingKey.publicKeyPem },
      });
      world.ports = await exchange.start();
      started.push(exchange);
      world.exchange = exchange;
    }
    if (o.graph) {
      const graph = new GraphFake({
        directory: world.exchange?.directory ?? o.graph.directory ?? sandboxDirectory(tenant),
        pki,
        identity: { publicKeyPem: signingKey.publicKeyPem },
      });
      world.graphUrl = await graph.start();
      started.push(graph);
      world.graph = graph;
    }
    if (o.dovecot) {
      const dovecot = await startDovecot({
        pki,
        issuer: identity.issuerFor((o.dovecot.tenant ?? tenant).tenantId),
        audience: EXO_AUDIENCE,
        keys: [{ kid: signingKey.kid, publicKeyPem: signingKey.publicKeyPem }],
        ...(o.dovecot.mailboxes ? { mailboxes: o.dovecot.mailboxes } : {}),
      });
      started.push(dovecot);
      world.dovecot = dovecot;
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return world;
}
