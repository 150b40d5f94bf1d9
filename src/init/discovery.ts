/**
 * Tenant discovery as a pre-check (docs/exchange-behaviour.md section 1): `GET {authorityHost}/{tenant}/v2.0/.well-known/openid-configuration`
 * through the token client's network module (same CA list, HTTPS proxy, NO_PROXY, timeouts, body cap).
 * An unknown tenant answers HTTP 400 with AADSTS90002, mapped to TENANT_NOT_FOUND like a token request would be.
 */
import { mapTokenError } from "../auth/aadsts.js";
import { TokenHttpClient } from "../auth/http-client.js";
import { XoauthError } from "../errors.js";
import type { InitConnection } from "./types.js";

const GUID_IN_URL = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//i;

export interface DiscoveredTenant {
  /** The tenant GUID (also when a domain was given), if the metadata names it. */
  tenantId: string | undefined;
  tokenEndpoint: string;
}

export async function discoverTenant(
  tenant: string,
  conn: Pick<InitConnection, "authorityHost" | "ca" | "proxy" | "noProxy" | "scope">,
  opts: { timeoutMs?: number } = {},
): Promise<DiscoveredTenant> {
  const http = new TokenHttpClient({
    ca: conn.ca,
    proxy: conn.proxy,
    noProxy: conn.noProxy,
    attempts: 2,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  const url = `${conn.authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
  const res = await http.sendGetRequestAsync<Record<string, unknown>>(url);
  const body = http.lastResponse?.json;
  if (res.status !== 200 || !body) {
    throw mapTokenError(res.status, body, {
      tenantId: tenant,
      clientId: "",
      scope: conn.scope,
      authorityHost: conn.authorityHost,
    });
  }
  const tokenEndpoint = typeof body.token_endpoint === "string" ? body.token_endpoint : "";
  if (!tokenEndpoint) {
    throw new XoauthError("TOKEN_ENDPOINT_ERROR", `Tenant discovery at ${url} answered without a token_endpoint.`);
  }
  const served = new URL(tokenEndpoint).origin;
  if (served !== new URL(conn.authorityHost).origin) {
    throw new XoauthError(
      "WRONG_CLOUD",
      `Tenant ${tenant} lives in another cloud: its token endpoint is ${tokenEndpoint}, not at ${conn.authorityHost}.`,
      { details: { params: { tenantId: tenant, authorityHost: served } }, fix: [`--authority-host ${served}`] },
    );
  }
  const issuer = typeof body.issuer === "string" ? body.issuer : "";
  const tenantId = GUID_IN_URL.exec(`${tokenEndpoint}/`)?.[1] ?? GUID_IN_URL.exec(`${issuer}/`)?.[1];
  return { tenantId: tenantId?.toLowerCase(), tokenEndpoint };
}
