/** A directory for the identity fake tests: apps covering every success and failure path. */
import type { FakeTenant } from "../../../src/sandbox/identity/index.js";
import { SANDBOX_ROLES } from "../../../src/sandbox/identity/index.js";
import type { ClientCert, TestPki } from "../../../src/sandbox/pki.js";

export const TID = "11111111-2222-4333-8444-555555555555";
export const DOMAIN = "fabrikam.onmicrosoft.com";
export const GOV_TID = "99999999-2222-4333-8444-555555555555";
export const APP = "aaaaaaaa-0000-4000-8000-000000000001";
export const APP_SP = "bbbbbbbb-0000-4000-8000-000000000001";
export const APP_OBJ = "cccccccc-0000-4000-8000-000000000001";
export const NOCONSENT = "aaaaaaaa-0000-4000-8000-000000000002";
export const DISABLED = "aaaaaaaa-0000-4000-8000-000000000003";
export const BLOCKED = "aaaaaaaa-0000-4000-8000-000000000004";
export const SECRET = "Abc8Q~valid.secret.value-for-tests_0123";
export const SECRET_ID = "dddddddd-0000-4000-8000-000000000001";
export const EXPIRED_SECRET = "Old8Q~expired.secret.value-for-tests_99";
export const SCOPE = "https://outlook.office365.com/.default";

export function testTenants(cert: ClientCert, expiredCert: ClientCert): FakeTenant[] {
  const plain = (clientId: string, extra: object) => ({
    clientId,
    displayName: `app ${clientId.slice(-1)}`,
    appObjectId: clientId.replace("aaaaaaaa", "cccccccc"),
    servicePrincipalObjectId: clientId.replace("aaaaaaaa", "bbbbbbbb"),
    secrets: [{ id: SECRET_ID, value: SECRET }],
    certificates: [],
    grantedRoles: [...SANDBOX_ROLES],
    ...extra,
  });
  return [
    {
      tenantId: TID,
      domains: [DOMAIN, "fabrikam.example"],
      apps: [
        {
          clientId: APP,
          displayName: "mail fetcher",
          appObjectId: APP_OBJ,
          servicePrincipalObjectId: APP_SP,
          secrets: [
            { id: SECRET_ID, value: SECRET, expiresAt: new Date(Date.now() + 86_400_000) },
            {
              id: "dddddddd-0000-4000-8000-000000000002",
              value: EXPIRED_SECRET,
              expiresAt: new Date(Date.now() - 1000),
            },
          ],
          certificates: [{ certPem: cert.certPem }, { certPem: expiredCert.certPem }],
          grantedRoles: [...SANDBOX_ROLES],
        },
        plain(NOCONSENT, { grantedRoles: [] }),
        plain(DISABLED, { disabled: true }),
        plain(BLOCKED, { conditionalAccessBlocked: true }),
      ],
    },
    { tenantId: GOV_TID, domains: ["gov.onmicrosoft.us"], cloud: "usgov", apps: [] },
  ];
}

export function testCerts(pki: TestPki): { cert: ClientCert; expiredCert: ClientCert; otherCert: ClientCert } {
  return {
    cert: pki.issueClientCert("app cert"),
    expiredCert: pki.issueClientCert("old app cert", {
      notBefore: new Date(Date.now() - 3 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    }),
    otherCert: pki.issueClientCert("unregistered cert"),
  };
}
