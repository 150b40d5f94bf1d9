/** Local checks of tenant and client identifiers, so obvious mistakes fail without a network request. */
import { isGuid } from "../auth/guid.js";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";

const DNS_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
/** Multi-tenant aliases that do not work for client credentials (AADSTS9001023). */
const MULTI_TENANT = new Set(["common", "organizations", "consumers"]);

export { isGuid } from "../auth/guid.js";

/** Throws TENANT_INVALID unless the tenant is a GUID or a DNS name (what the identity platform accepts). */
export function checkTenantId(tenantId: string): void {
  const params = { tenantId };
  if (MULTI_TENANT.has(tenantId.toLowerCase())) {
    throw new XoauthError(
      "TENANT_INVALID",
      `Tenant "${tenantId}" is a multi-tenant alias; client credentials need the tenant itself (the identity platform answers AADSTS9001023).`,
      {
        why: t("auth.multiTenant.why", params),
        fix: [t("auth.multiTenant.fix", params)],
        details: { params },
      },
    );
  }
  if (!isGuid(tenantId) && !DNS_RE.test(tenantId)) {
    throw new XoauthError(
      "TENANT_INVALID",
      `Tenant "${tenantId}" is neither a GUID nor a DNS name (the identity platform would answer AADSTS900023).`,
      { details: { params } },
    );
  }
}

/** Throws CONFIG_INVALID unless the client ID is a GUID (Application (client) ID). */
export function checkClientId(clientId: string): void {
  if (!isGuid(clientId)) {
    throw new XoauthError(
      "CONFIG_INVALID",
      `Client ID "${clientId}" is not a GUID; use the Application (client) ID of the app registration.`,
      {
        fix: [
          "Entra admin center > Identity > Applications > App registrations > <app> > Overview > Application (client) ID",
        ],
        details: { params: { clientId } },
      },
    );
  }
}
