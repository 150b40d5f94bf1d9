/**
 * Who may do what, as Graph decides it for an app-only token: the token (signature, audience, lifetime), then the
 * app's permissions for the operation, from the token's `roles` (Entra admin consent) or from RBAC for Applications
 * assignments in Exchange (not in the token: https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac),
 * and Application Access Policies, which limit only the Entra grants
 * (https://learn.microsoft.com/en-us/graph/auth-limit-mailbox-access).
 * The order (app without any grant, then the user, then the scope) is UNCONFIRMED for Graph's 403-vs-404 cases.
 */
import { GRAPH_AUDIENCES } from "../../auth/clouds.js";
import { verifyJwtSignature } from "../../auth/jwt.js";
import type { TokenClaims } from "../../auth/types.js";
import type { GraphReplyId } from "../../exchange/graph-replies.js";
import type { ExchangeDirectory, FakeMailbox } from "../exchange/directory.js";
import type { IdentityTrust } from "../exchange/token-check.js";

/** What an operation needs: list folders/messages, read a body ($value), change (move/delete/PATCH/drafts), send. */
export type MailOp = "list" | "read" | "write" | "send";

/** Application permissions (token `roles`) that allow each operation (https://learn.microsoft.com/en-us/graph/permissions-reference). */
const TOKEN_ROLES: Record<MailOp, readonly string[]> = {
  list: ["Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.Read", "Mail.ReadWrite"],
  read: ["Mail.Read", "Mail.ReadWrite"],
  write: ["Mail.ReadWrite"],
  send: ["Mail.Send"],
};

/** RBAC for Applications roles that allow each operation. */
const RBAC_ROLES: Record<MailOp, readonly string[]> = {
  list: [
    "Application Mail.ReadBasic",
    "Application Mail.Read",
    "Application Mail.ReadWrite",
    "Application Mail Full Access",
  ],
  read: ["Application Mail.Read", "Application Mail.ReadWrite", "Application Mail Full Access"],
  write: ["Application Mail.ReadWrite", "Application Mail Full Access"],
  send: ["Application Mail.Send", "Application Mail Full Access"],
};

const norm = (s: string): string => s.trim().toLowerCase();

export type TokenDecision = { ok: true; claims: TokenClaims } | { ok: false; reply: GraphReplyId };

/** The bearer token of an `Authorization` header, checked like Graph: present, valid, for Graph, not expired. */
export function checkGraphToken(
  authorization: string | undefined,
  dir: ExchangeDirectory,
  trust: IdentityTrust,
  audiences: readonly string[] = GRAPH_AUDIENCES,
  nowSec = Math.floor(Date.now() / 1000),
): TokenDecision {
  const m = /^Bearer\s*(.*)$/i.exec(authorization ?? "");
  const token = m?.[1]?.trim() ?? "";
  if (token.length === 0) return { ok: false, reply: "token-empty" };
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) return { ok: false, reply: "token-invalid" };
  const verified = verifyJwtSignature(token, trust.publicKeyPem);
  if (!verified) return { ok: false, reply: "token-invalid" };
  const c = verified.claims;
  const tenants = trust.tenants ?? [dir.tenant.tenantId];
  const issuers = [...tenants.map((t) => `https://sts.windows.net/${norm(t)}/`), ...(trust.issuers ?? []).map(norm)];
  if (typeof c.iss !== "string" || !issuers.includes(norm(c.iss))) return { ok: false, reply: "token-invalid" };
  const aud = typeof c.aud === "string" ? norm(c.aud).replace(/\/+$/, "") : "";
  if (!audiences.some((a) => norm(a) === aud)) return { ok: false, reply: "invalid-audience" };
  const skew = trust.clockSkewSec ?? 300;
  if (typeof c.exp !== "number" || c.exp + skew < nowSec) return { ok: false, reply: "token-expired" };
  if (typeof c.nbf === "number" && c.nbf - skew > nowSec) return { ok: false, reply: "token-invalid" };
  return { ok: true, claims: c };
}

export type MailboxDecision =
  | { ok: true; mailbox: FakeMailbox }
  | { ok: false; reply: GraphReplyId; params?: Record<string, string> };

/** May the token's app do `op` on the mailbox `user` (address, UPN or object ID)? */
export function authorizeMailbox(
  dir: ExchangeDirectory,
  claims: TokenClaims,
  user: string,
  op: MailOp,
): MailboxDecision {
  const tokenRoles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  const appId = String(claims.appid ?? "");
  const sp = dir.findServicePrincipal(claims.appid, claims.oid);
  const anyMail = tokenRoles.some((r) => /^Mail\./.test(r));
  const anyRbac = !!sp && dir.appRoleAssignments.some((a) => norm(a.spObjectId) === norm(sp.objectId));
  if (!anyMail && !anyRbac) return { ok: false, reply: "access-denied" };
  const mailbox = dir.findMailbox(user);
  if (!mailbox) {
    if (dir.findMailboxlessUser(user)) return { ok: false, reply: "mailbox-not-enabled" };
    return { ok: false, reply: "invalid-user", params: { user } };
  }
  const rbac = sp ? dir.appRolesFor(sp.objectId, mailbox.address) : [];
  if (rbac.some((r) => RBAC_ROLES[op].includes(r))) return { ok: true, mailbox };
  if (tokenRoles.some((r) => TOKEN_ROLES[op].includes(r))) {
    if (!dir.accessPolicyAllows(appId, mailbox.address)) return { ok: false, reply: "aap-blocked" };
    return { ok: true, mailbox };
  }
  return { ok: false, reply: "access-denied" };
}
