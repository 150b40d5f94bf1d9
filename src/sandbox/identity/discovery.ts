/** OpenID Connect discovery (`/{tenant}/v2.0/.well-known/openid-configuration`) as Entra ID serves it. */
import { CLOUDS, type CloudName } from "../../auth/clouds.js";

const CLOUD_INSTANCE: Record<CloudName, string> = {
  global: "microsoftonline.com",
  usgov: "microsoftonline.us",
  china: "partner.microsoftonline.cn",
};

/**
 * `origin` is the authority the tenant lives at (the fake's own URL, or — like Entra does for a tenant of another
 * national cloud — that cloud's authority host). `tenantPath` is the GUID, or `{tenantid}` for /common.
 */
export function openIdConfiguration(origin: string, tenantPath: string, pathSegment: string, cloud: CloudName) {
  const base = `${origin}/${pathSegment}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${origin}/${tenantPath}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid"],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope:
      tenantPath === "{tenantid}" ? null : cloud === "global" ? "EU" : cloud === "usgov" ? "USGov" : null,
    cloud_instance_name: CLOUD_INSTANCE[cloud],
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}

export function authorityHostOf(cloud: CloudName): string {
  return CLOUDS[cloud].authorityHost;
}
