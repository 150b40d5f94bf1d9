/**
 * Authority and cloud-discovery metadata handed to msal as JSON strings, so msal makes no discovery request:
 * the token endpoint is `{authorityHost}/{tenant}/oauth2/v2.0/token` (docs/exchange-behaviour.md section 1).
 */

export interface AuthorityConfig {
  /** `{authorityHost}/{tenant}` — what msal calls the authority. */
  authority: string;
  tokenEndpoint: string;
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
  knownAuthorities: string[];
}

export function tokenEndpointOf(authorityHost: string, tenantId: string): string {
  return `${authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

export function authorityConfig(authorityHost: string, tenantId: string): AuthorityConfig {
  const host = authorityHost.replace(/\/+$/, "");
  const url = new URL(host);
  const base = `${host}/${encodeURIComponent(tenantId)}`;
  const metadata = {
    token_endpoint: tokenEndpointOf(host, tenantId),
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    jwks_uri: `${host}/${encodeURIComponent(tenantId)}/discovery/v2.0/keys`,
    issuer: `${base}/v2.0`,
  };
  const discovery = {
    tenant_discovery_endpoint: `${base}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: url.host, preferred_cache: url.host, aliases: [url.host] }],
  };
  return {
    authority: base,
    tokenEndpoint: metadata.token_endpoint,
    authorityMetadata: JSON.stringify(metadata),
    cloudDiscoveryMetadata: JSON.stringify(discovery),
    knownAuthorities: [url.host],
  };
}
