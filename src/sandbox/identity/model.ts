/** The directory the identity fake serves: tenants, app registrations and their service principals. */
import type { CloudName } from "../../auth/clouds.js";

export interface FakeSecret {
  /** The secret's ID (a GUID) — what admins paste by mistake instead of the value. */
  id: string;
  /** The secret's Value, shown once in the portal. */
  value: string;
  expiresAt?: Date;
}

export interface FakeApp {
  /** Application (client) ID. */
  clientId: string;
  displayName: string;
  /** Object ID of the App Registration. */
  appObjectId: string;
  /** Object ID of the Enterprise Application (service principal) in this tenant = the token's `oid`. */
  servicePrincipalObjectId: string;
  secrets: FakeSecret[];
  /** Registered certificates (public part only). */
  certificates: { certPem: string }[];
  /** Exchange application permissions that were granted with admin consent. */
  grantedRoles: string[];
  /**
   * Microsoft Graph application permissions granted with admin consent (`Mail.Read`, `Mail.ReadBasic`,
   * `Mail.ReadWrite`, `Mail.Send`): the `roles` of a token for `https://graph.microsoft.com/.default`.
   */
  graphRoles?: string[];
  disabled?: boolean;
  /** A Conditional Access policy for workload identities blocks this app (AADSTS53003). */
  conditionalAccessBlocked?: boolean;
}

export interface FakeTenant {
  tenantId: string;
  /** Verified domains, e.g. `contoso.onmicrosoft.com`. */
  domains: string[];
  /** Which national cloud the tenant lives in (default global). */
  cloud?: CloudName;
  apps: FakeApp[];
}

export const SANDBOX_ROLES: readonly string[] = ["POP.AccessAsApp", "IMAP.AccessAsApp", "SMTP.SendAsApp"];
/** The Graph application permissions the sandbox app has consented: read, move/delete and send mail. */
export const SANDBOX_GRAPH_ROLES: readonly string[] = ["Mail.ReadWrite", "Mail.Send"];

/** A realistic tenant for `demo` / `sandbox`: one app with a valid secret and all three mail roles consented. */
export function defaultSandboxTenant(): FakeTenant {
  return {
    tenantId: "9188040d-6c67-4c5b-b112-36a304b66dad",
    domains: ["contoso.onmicrosoft.com"],
    cloud: "global",
    apps: [
      {
        clientId: "4a1aa1d5-c567-49d0-ad0b-cd957a47f842",
        displayName: "xoauth-mail sandbox",
        appObjectId: "1c8b7a3e-5f2d-4e6a-9b0c-7d4e2f1a3b5c",
        servicePrincipalObjectId: "6d2b4f8a-1e3c-4a5b-8c7d-9e0f1a2b3c4d",
        secrets: [
          {
            id: "b0c5e2d1-7a3f-4e8b-9c6d-2f1e0a9b8c7d",
            value: "Sbx8Q~sandbox.secret-value_not.a.real.one",
            expiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000),
          },
        ],
        certificates: [],
        grantedRoles: [...SANDBOX_ROLES],
        graphRoles: [...SANDBOX_GRAPH_ROLES],
      },
    ],
  };
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isGuid(s: string): boolean {
  return GUID_RE.test(s);
}

export function isDnsName(s: string): boolean {
  return DNS_RE.test(s);
}

/** Finds a tenant by its GUID or any of its verified domains (case-insensitive). */
export function findTenant(tenants: readonly FakeTenant[], idOrDomain: string): FakeTenant | undefined {
  const k = idOrDomain.toLowerCase();
  return tenants.find((t) => t.tenantId.toLowerCase() === k || t.domains.some((d) => d.toLowerCase() === k));
}

export function findApp(tenant: FakeTenant, clientId: string): FakeApp | undefined {
  const k = clientId.toLowerCase();
  return tenant.apps.find((a) => a.clientId.toLowerCase() === k);
}
