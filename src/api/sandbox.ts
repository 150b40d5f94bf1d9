/**
 * `xoauth-mail/sandbox`: the embedded tenant for tests and demos (identity platform, Exchange Online POP3/IMAP/SMTP
 * and Microsoft Graph fakes on 127.0.0.1 with a throwaway test CA). A subpath of its own, so that the package root
 * never loads the fakes.
 */
export {
  applyScenario,
  isSandboxScenario,
  type LocalTenant,
  type LocalTenantOptions,
  SANDBOX_SCENARIOS,
  type SandboxScenario,
  startLocalTenant,
} from "../sandbox/local-tenant.js";
