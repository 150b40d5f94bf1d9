/** `POST /{tenant}/oauth2/v2.0/token`, client-credentials grant only (docs/exchange-behaviour.md section 1). */
import { createHash } from "node:crypto";
import type { CloudName } from "../../auth/clouds.js";
import { validateAssertion } from "./assertion.js";
import { type AadErrorResponse, aadError } from "./errors.js";
import { type FakeTenant, findApp, findTenant, isDnsName, isGuid } from "./model.js";
import { ACCESS_TOKEN_LIFETIME_SEC, type TokenSigner } from "./tokens.js";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const MULTI_TENANT_SEGMENTS: readonly string[] = ["common", "organizations", "consumers"];

/** A resource the fake knows: what its tokens carry as `aud`, and whether app roles are Exchange roles. */
export interface FakeResource {
  aud: string;
  exchange: boolean;
  /** Microsoft Graph: the token carries the app's consented Graph permissions (FakeApp.graphRoles). */
  graph?: boolean;
}

export interface TokenSuccess {
  token_type: "Bearer";
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
}

export type TokenResult = { status: 200; body: TokenSuccess } | AadErrorResponse;

export interface TokenContext {
  tenants: readonly FakeTenant[];
  /** The fake's own cloud; tenants of another cloud get AADSTS90038. */
  cloud: CloudName;
  /** Authority origin, e.g. `https://127.0.0.1:4443`. */
  authority: string;
  /** Extra origins the same server answers as (e.g. `https://localhost:4443`) for assertion `aud`. */
  authorityAliases: readonly string[];
  /** Lower-cased resource identifier (scope without `/.default`) -> resource. */
  resources: ReadonlyMap<string, FakeResource>;
  signer: TokenSigner;
  correlationId?: string;
  /** Loop detector: returns true when this request key was seen too often. */
  isLoop(key: string): boolean;
  now: Date;
  /** Lifetime of issued access tokens in seconds (default ACCESS_TOKEN_LIFETIME_SEC): `exp` and `expires_in`. */
  lifetimeSec?: number;
}

export function handleTokenRequest(tenantSegment: string, form: URLSearchParams, ctx: TokenContext): TokenResult {
  const err = (code: number, ...args: string[]) =>
    aadError(code, { authority: ctx.authority, correlationId: ctx.correlationId, now: ctx.now }, ...args);

  if (MULTI_TENANT_SEGMENTS.includes(tenantSegment.toLowerCase())) return err(9001023);
  if (!isGuid(tenantSegment) && !isDnsName(tenantSegment)) return err(900023, tenantSegment);
  const tenant = findTenant(ctx.tenants, tenantSegment);
  if (!tenant) return err(90002, tenantSegment);
  if ((tenant.cloud ?? "global") !== ctx.cloud) return err(90038, tenantSegment);

  const grantType = form.get("grant_type");
  if (!grantType) return err(900144, "grant_type");
  if (grantType !== "client_credentials") return err(70003, grantType);
  const clientId = form.get("client_id");
  if (!clientId) return err(900144, "client_id");

  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  const scope = form.get("scope") ?? "";
  const loopKey = [tenant.tenantId, clientId.toLowerCase(), scope, digest(secret ?? assertion ?? "")].join("|");
  if (ctx.isLoop(loopKey)) return err(50196);

  const app = findApp(tenant, clientId);
  if (!app) return err(700016, clientId, tenant.domains[0] ?? tenant.tenantId);
  if (app.disabled) return err(7000112, app.clientId, app.displayName);

  const nowSec = Math.floor(ctx.now.getTime() / 1000);
  let appidacr: "1" | "2";
  if (secret) {
    const match = app.secrets.find((s) => s.value === secret);
    if (!match) return err(7000215, app.clientId);
    if (match.expiresAt && match.expiresAt.getTime() <= ctx.now.getTime()) return err(7000222, app.clientId);
    appidacr = "1";
  } else if (assertion) {
    if (form.get("client_assertion_type") !== JWT_BEARER) return err(900144, "client_assertion_type");
    const r = validateAssertion(assertion, app, assertionAudiences(ctx, tenant, tenantSegment), nowSec);
    if (!r.ok) return err(r.code, ...r.args);
    appidacr = "2";
  } else {
    return err(7000218);
  }

  const scoped = resolveScope(scope, ctx, tenant);
  if ("error" in scoped) return err(scoped.error, ...scoped.args);
  if (app.conditionalAccessBlocked) return err(53003);

  const roles = scoped.resource.exchange ? app.grantedRoles : scoped.resource.graph ? (app.graphRoles ?? []) : [];
  const lifetimeSec = ctx.lifetimeSec ?? ACCESS_TOKEN_LIFETIME_SEC;
  const claims = ctx.signer.claimsFor({ tenant, app, aud: scoped.resource.aud, appidacr, roles, nowSec, lifetimeSec });
  return {
    status: 200,
    body: {
      token_type: "Bearer",
      expires_in: lifetimeSec,
      ext_expires_in: lifetimeSec,
      access_token: ctx.signer.sign(claims),
    },
  };
}

function digest(s: string): string {
  return createHash("sha256").update(s).digest("base64url");
}

/** The token endpoint URLs Entra accepts as a client assertion's `aud` (v2 and v1 path, GUID or domain). */
function assertionAudiences(ctx: TokenContext, tenant: FakeTenant, segment: string): Set<string> {
  const out = new Set<string>();
  const names = new Set([segment, tenant.tenantId, ...tenant.domains].map((n) => n.toLowerCase()));
  for (const origin of [ctx.authority, ...ctx.authorityAliases]) {
    for (const n of names) {
      out.add(`${origin}/${n}/oauth2/v2.0/token`.toLowerCase());
      out.add(`${origin}/${n}/oauth2/token`.toLowerCase());
    }
  }
  return out;
}

function resolveScope(
  scope: string,
  ctx: TokenContext,
  tenant: FakeTenant,
): { resource: FakeResource } | { error: number; args: string[] } {
  const scopes = scope.split(" ").filter((s) => s.length > 0);
  if (scopes.length === 0) return { error: 900144, args: ["scope"] };
  const bad = scopes.find((s) => !s.endsWith("/.default"));
  if (bad !== undefined) return { error: 1002012, args: [bad] };
  if (scopes.length > 1) return { error: 70011, args: [scope] };
  const id = (scopes[0] as string).slice(0, -"/.default".length);
  if (id.length === 0) return { error: 70011, args: [scope] };
  const resource = ctx.resources.get(id.toLowerCase());
  if (!resource) return { error: 500011, args: [id, tenant.domains[0] ?? tenant.tenantId] };
  return { resource };
}

/** Microsoft Graph's resource identifier per cloud (scope without `/.default`; src/auth/clouds.ts graphScope). */
const GRAPH_RESOURCE: Record<CloudName, string> = {
  global: "https://graph.microsoft.com",
  usgov: "https://graph.microsoft.us",
  china: "https://microsoftgraph.chinacloudapi.cn",
};

/**
 * Resources every fake knows; `exchangeAudience` is the `aud` of tokens for outlook.office365.com. Graph: the
 * cloud's Graph host, and its app ID `00000003-0000-0000-c000-000000000000`.
 */
export function defaultResources(exchangeAudience: string, cloud: CloudName = "global"): Map<string, FakeResource> {
  const ex = (aud: string): FakeResource => ({ aud, exchange: true });
  const graph: FakeResource = { aud: GRAPH_RESOURCE[cloud], exchange: false, graph: true };
  return new Map<string, FakeResource>([
    ["https://outlook.office365.com", ex(exchangeAudience)],
    ["https://outlook.office.com", ex("https://outlook.office.com")],
    ["https://ps.outlook.com", ex("https://ps.outlook.com")],
    ["00000002-0000-0ff1-ce00-000000000000", ex("00000002-0000-0ff1-ce00-000000000000")],
    [GRAPH_RESOURCE[cloud], graph],
    ["00000003-0000-0000-c000-000000000000", graph],
  ]);
}
