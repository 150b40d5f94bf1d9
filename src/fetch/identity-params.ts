/**
 * The fixes of mail-server errors name the tenant, the app and its service principal ({tenantId}, {appid}, {oid}).
 * `test` knows them from its claims step; for `fetch` they come from the token the failed pass used, so the printed
 * PowerShell lines carry the real IDs instead of <oid> placeholders.
 */
import { decodeClaims } from "../auth/claims.js";
import type { TokenProvider } from "../auth/types.js";
import type { XoauthError } from "../errors.js";

export async function addIdentityParams(e: XoauthError, tokens: TokenProvider): Promise<void> {
  if (e.exitCode !== 4) return; // only when the mail server answered: the token exists (a cache hit, no request)
  try {
    const { claims } = decodeClaims((await tokens.getToken()).token);
    const params = e.details.params ?? {};
    const ids = { tenantId: claims.tid, appid: claims.appid, oid: claims.oid };
    for (const [k, v] of Object.entries(ids)) if (typeof v === "string" && params[k] === undefined) params[k] = v;
    e.details.params = params;
  } catch {
    // no decodable token: the fix keeps its placeholders
  }
}
