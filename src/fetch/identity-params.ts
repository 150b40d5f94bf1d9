/**
 * The fixes of mail-server errors name the tenant, the app and its service principal ({tenantId}, {appid}, {oid}).
 * `test` knows them from its claims step; for `fetch` they come from the token the failed pass used, so the printed
 * PowerShell lines carry the real IDs instead of <oid> placeholders.
 */
import { decodeClaims } from "../auth/claims.js";
import type { XoauthError } from "../errors.js";

/** `token`: the one the failed pass used (never a new request: no delay, no network at shutdown). */
export function addIdentityParams(e: XoauthError, token: string): void {
  if (e.exitCode !== 4) return; // the mail server answered: the IDs are what its fix needs
  try {
    const { claims } = decodeClaims(token);
    const params = e.details.params ?? {};
    const ids = { tenantId: claims.tid, appid: claims.appid, oid: claims.oid };
    for (const [k, v] of Object.entries(ids)) if (typeof v === "string" && params[k] === undefined) params[k] = v;
    e.details.params = params;
  } catch {
    // not a decodable JWT: the fix keeps its placeholders
  }
}
