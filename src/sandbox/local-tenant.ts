/**
 * A complete local "tenant" for `demo` and `sandbox`: the identity platform fake and the Exchange Online fake,
 * in-process on 127.0.0.1, sharing one test PKI (TLS verified against its CA), with the sandbox app registered
 * correctly (New-ServicePrincipal with the Enterprise Application's object id, FullAccess + SendAs) and a mailbox
 * holding a few sample messages.
 *
 * Ports with `portBase` N: identity N, POP3S N+1, IMAPS N+2, SMTP (STARTTLS) N+3, POP3 with STLS N+4, Graph N+5.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { markSecret } from "../log/redact.js";
import { ExchangeFake, type ExchangePorts, sampleMessages, sandboxDirectory } from "./exchange/index.js";
import { GraphFake } from "./graph/index.js";
import { defaultSandboxTenant, type FakeApp, type FakeTenant, IdentityFake } from "./identity/index.js";
import { createTestPki } from "./pki.js";
import type { SandboxScenario } from "./scenarios.js";

export interface LocalTenantOptions {
  /** Fixed ports from this base (see the module comment); default: ephemeral ports. */
  portBase?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /**
   * Keep the fixed sample secret of `defaultSandboxTenant()` (default: a fresh random one per start, so a token cached
   * from an earlier run, signed with that run's key, is never reused: the cache key includes the credential).
   */
  fixedSecret?: boolean;
  /** One misconfiguration to start with (see SANDBOX_SCENARIOS); default: everything set up correctly. */
  scenario?: SandboxScenario;
  /**
   * Lifetime of the access tokens in seconds (default 3599, like Entra). IMAP sessions end at their token's expiry
   * as on Exchange Online, so e.g. 30 shows within a minute what a long-running client does after an hour.
   */
  tokenLifetimeSec?: number;
}

export { isSandboxScenario, SANDBOX_SCENARIOS, type SandboxScenario, scenarioSituation } from "./scenarios.js";

/** Breaks the correctly registered tenant in exactly one way. */
export function applyScenario(
  scenario: SandboxScenario,
  t: { exchange: ExchangeFake; app: FakeApp; mailbox: string },
): void {
  const dir = t.exchange.directory;
  const sp = t.app.servicePrincipalObjectId;
  const mb = dir.findMailbox(t.mailbox);
  if (!mb) throw new Error(`sandbox mailbox ${t.mailbox} missing`);
  const dropSp = (): void => {
    const i = dir.servicePrincipals.findIndex((p) => p.objectId === sp);
    if (i >= 0) dir.servicePrincipals.splice(i, 1);
  };
  switch (scenario) {
    case "no-fullaccess":
      dir.revokeFullAccess(sp, t.mailbox);
      break;
    case "sp-app-object-id":
      dropSp();
      dir.revokeFullAccess(sp, t.mailbox);
      dir.revokeSendAs(sp, t.mailbox);
      dir.registerServicePrincipal({ appId: t.app.clientId, objectId: t.app.appObjectId });
      dir.grantFullAccess(t.app.appObjectId, t.mailbox);
      dir.grantSendAs(t.app.appObjectId, t.mailbox);
      break;
    case "sp-missing":
      dropSp();
      break;
    case "no-consent":
      t.app.grantedRoles = [];
      break;
    case "pop-disabled":
      mb.popEnabled = false;
      break;
    case "imap-disabled":
      mb.imapEnabled = false;
      break;
    case "smtp-auth-disabled":
      dir.tenant.smtpClientAuthenticationDisabled = true;
      break;
    case "no-sendas":
      dir.revokeSendAs(sp, t.mailbox);
      break;
    case "graph-no-consent":
      t.app.graphRoles = [];
      break;
    case "graph-no-send":
      t.app.graphRoles = (t.app.graphRoles ?? []).filter((r) => r !== "Mail.Send");
      break;
    case "graph-aap-excluded":
      dir.accessPolicies.push({ appId: t.app.clientId, accessRight: "RestrictAccess", groupMembers: [] });
      break;
    case "graph-rbac-out-of-scope": {
      t.app.graphRoles = [];
      const scope = [`finance@${t.mailbox.split("@")[1] ?? "contoso.onmicrosoft.com"}`];
      for (const role of ["Application Mail.ReadWrite", "Application Mail.Send"])
        dir.appRoleAssignments.push({ spObjectId: sp, role, scope });
      break;
    }
  }
}

export interface LocalTenantPorts extends ExchangePorts {
  identity: number;
  graph: number;
}

export interface LocalTenant {
  readonly identity: IdentityFake;
  readonly exchange: ExchangeFake;
  /** The Microsoft Graph fake over the same mailboxes. */
  readonly graph: GraphFake;
  /** `https://127.0.0.1:PORT/v1.0`: the value for `--graph-url`. */
  readonly graphUrl: string;
  readonly tenant: FakeTenant;
  readonly app: FakeApp;
  readonly ports: LocalTenantPorts;
  /** `https://127.0.0.1:PORT`: the value for `--authority-host`. */
  readonly authorityHost: string;
  /** Host the mail servers listen on (for `--host`). */
  readonly host: string;
  /** PEM of the CA that issued every server certificate (for `--ca-file`). */
  readonly caPem: string;
  readonly tenantId: string;
  readonly domain: string;
  readonly clientId: string;
  /** The app's client secret Value. Secret: write it to a 0600 file, never print it. */
  readonly clientSecret: string;
  readonly mailbox: string;
  /** How many sample messages the mailbox held at start. */
  readonly sampleCount: number;
  stop(): Promise<void>;
}

/** Highest port base that still leaves room for N+5. */
export const MAX_PORT_BASE = 65535 - 5;

export function portsFromBase(base: number): LocalTenantPorts {
  return { identity: base, pop3s: base + 1, imaps: base + 2, smtp: base + 3, pop3: base + 4, graph: base + 5 };
}

export async function startLocalTenant(opts: LocalTenantOptions = {}): Promise<LocalTenant> {
  const host = opts.host ?? "127.0.0.1";
  const fixed = opts.portBase !== undefined ? portsFromBase(opts.portBase) : undefined;
  const pki = createTestPki({ commonName: "xoauth-mail sandbox CA" });
  const tenant = defaultSandboxTenant();
  const app = tenant.apps[0] as FakeApp;
  const first = app.secrets[0] as { value: string };
  if (!opts.fixedSecret) first.value = `Sbx8Q~${randomBytes(24).toString("base64url")}`;
  const secret = first.value;
  markSecret(secret);
  const identity = new IdentityFake({
    pki,
    tenants: [tenant],
    host,
    ...(fixed ? { port: fixed.identity } : {}),
    ...(opts.tokenLifetimeSec ? { tokenLifetimeSec: opts.tokenLifetimeSec } : {}),
  });
  await identity.start();
  const directory = sandboxDirectory(tenant);
  const mailbox = directory.mailboxes[0]?.address as string;
  const exchange = new ExchangeFake({
    directory,
    pki,
    host,
    identity: { publicKeyPem: identity.signingKey.publicKeyPem },
    ...(fixed ? { ports: { pop3s: fixed.pop3s, imaps: fixed.imaps, smtp: fixed.smtp, pop3: fixed.pop3 } } : {}),
  });
  const graph = new GraphFake({
    directory,
    pki,
    host,
    identity: { publicKeyPem: identity.signingKey.publicKeyPem },
    ...(fixed ? { port: fixed.graph } : {}),
  });
  let mailPorts: ExchangePorts;
  let graphUrl: string;
  try {
    mailPorts = await exchange.start();
    graphUrl = await graph.start();
  } catch (e) {
    await Promise.all([exchange.stop(), graph.stop()]);
    await identity.stop();
    throw e;
  }
  if (opts.scenario) applyScenario(opts.scenario, { exchange, app, mailbox });
  const identityPort = Number(new URL(identity.url).port);
  return {
    identity,
    exchange,
    graph,
    graphUrl,
    tenant,
    app,
    ports: { identity: identityPort, ...mailPorts, graph: Number(new URL(graphUrl).port) },
    authorityHost: identity.url,
    host,
    caPem: pki.ca.certPem,
    tenantId: tenant.tenantId,
    domain: tenant.domains[0] as string,
    clientId: app.clientId,
    clientSecret: secret,
    mailbox,
    sampleCount: sampleMessages(mailbox).length,
    async stop() {
      await Promise.all([exchange.stop(), graph.stop(), identity.stop()]);
    },
  };
}

/** Files for pointing commands at the tenant: `ca.pem` (0644) and `client-secret` (0600) in `dir`. */
export function writeTenantFiles(t: LocalTenant, dir: string): { caFile: string; secretFile: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, t.caPem, { mode: 0o644 });
  const secretFile = join(dir, "client-secret");
  writeFileSync(secretFile, `${t.clientSecret}\n`, { mode: 0o600 });
  chmodSync(secretFile, 0o600);
  return { caFile, secretFile };
}
