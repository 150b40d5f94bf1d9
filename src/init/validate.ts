/** Shape checks of what the user types in `init`; each returns undefined or the catalog text of the problem. */
import { resolveCredential } from "../config/credential.js";
import { checkTenantId, isGuid } from "../config/tenant.js";
import { toXoauthError } from "../errors.js";
import { t } from "../i18n/index.js";

const MAILBOX_RE =
  /^[^\s@]{1,64}@(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

export function tenantShapeProblem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return t("init.invalid.empty");
  try {
    checkTenantId(v);
    return undefined;
  } catch {
    return ["common", "organizations", "consumers"].includes(v.toLowerCase())
      ? t("init.invalid.multiTenant", { value: v })
      : t("init.invalid.tenant", { value: v });
  }
}

export function clientIdProblem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return t("init.invalid.empty");
  return isGuid(v) ? undefined : t("init.invalid.client", { value: v });
}

export function mailboxProblem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return t("init.invalid.empty");
  return MAILBOX_RE.test(v) ? undefined : t("init.invalid.mailbox", { value: v });
}

export function secretProblem(value: string): string | undefined {
  return value.trim() ? undefined : t("init.invalid.empty");
}

/** The PEM must hold a certificate and its private key (the same check `token --certificate` makes). */
export function certificateProblem(path: string, password?: string): string | undefined {
  if (!path.trim()) return t("init.invalid.empty");
  try {
    resolveCredential({ certificate: path.trim(), certificatePassword: password }, {}, {}, undefined, () => {});
    return undefined;
  } catch (e) {
    return toXoauthError(e).message;
  }
}
