/**
 * Validates a bearer token the way Exchange Online does (claims: docs/exchange-behaviour.md section 2); the order of
 * checks follows the situations of src/exchange/contract.ts. The `reason` is internal (logs, tests); the servers
 * answer each reason with its situation's reply from the table (replies.ts), never with the reason itself.
 */
import type { KeyObject } from "node:crypto";
import { isExchangeAudience, type MailProtocol, ROLE_FOR_PROTOCOL } from "../../auth/clouds.js";
import { verifyJwtSignature } from "../../auth/jwt.js";
import type { TokenClaims } from "../../auth/types.js";
import type { ExchangeDirectory, ExchangeServicePrincipal, FakeMailbox } from "./directory.js";

export type AuthFailureReason =
  | "malformed"
  | "bad_signature"
  | "unknown_issuer"
  | "wrong_audience"
  | "expired"
  | "not_yet_valid"
  | "not_app_token"
  | "role_missing"
  | "sp_not_registered"
  | "mailbox_not_found"
  | "no_mailbox_permission"
  | "protocol_disabled"
  | "smtp_auth_disabled_tenant"
  | "smtp_auth_disabled_mailbox"
  | "connection_limit"
  | "server_busy"
  | "injected_fault";

/** What the fake trusts: the identity fake's signing key and the issuers it accepts. */
export interface IdentityTrust {
  publicKeyPem: string | KeyObject;
  /** Tenant IDs whose `https://sts.windows.net/{tid}/` issuer is accepted (default: the directory's tenant). */
  tenants?: string[];
  /** Extra accepted issuers verbatim. */
  issuers?: string[];
  /** Extra accepted audiences (besides Exchange's, src/auth/clouds.ts). */
  audiences?: string[];
  /** Allowed clock skew in seconds (default 300, like Entra-protected resources). */
  clockSkewSec?: number;
}

export type AuthDecision =
  | { ok: true; claims: TokenClaims; sp: ExchangeServicePrincipal; mailbox: FakeMailbox }
  | {
      ok: false;
      reason: AuthFailureReason;
      detail: string;
      claims?: TokenClaims;
      sp?: ExchangeServicePrincipal;
      mailbox?: FakeMailbox;
      /** sp_not_registered: the object ID the app's service principal was registered with instead of the token's oid. */
      spRegisteredAs?: string;
    };

function fail(
  reason: AuthFailureReason,
  detail: string,
  extra: Partial<Extract<AuthDecision, { ok: false }>> = {},
): AuthDecision {
  return { ok: false, reason, detail, ...extra };
}

function acceptedIssuers(dir: ExchangeDirectory, trust: IdentityTrust): string[] {
  const tenants = trust.tenants ?? [dir.tenant.tenantId];
  return [...tenants.map((t) => `https://sts.windows.net/${t.toLowerCase()}/`), ...(trust.issuers ?? [])];
}

/** Token-only checks: signature, issuer, audience, lifetime, app-only, role for the protocol. */
export function checkTokenClaims(
  token: string,
  protocol: MailProtocol,
  dir: ExchangeDirectory,
  trust: IdentityTrust,
  nowSec = Math.floor(Date.now() / 1000),
): AuthDecision | { ok: true; claims: TokenClaims } {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) return fail("malformed", "not a JWT");
  const verified = verifyJwtSignature(token, trust.publicKeyPem);
  if (!verified) return fail("bad_signature", "signature does not verify against the identity key");
  const c = verified.claims;
  const skew = trust.clockSkewSec ?? 300;
  if (typeof c.iss !== "string" || !acceptedIssuers(dir, trust).includes(c.iss.toLowerCase()))
    return fail("unknown_issuer", `issuer ${String(c.iss)} is not a known tenant`, { claims: c });
  if (typeof c.aud !== "string" || !isExchangeAudience(c.aud, trust.audiences ?? []))
    return fail("wrong_audience", `aud ${String(c.aud)} is not Exchange Online`, { claims: c });
  if (typeof c.exp !== "number" || c.exp + skew < nowSec)
    return fail("expired", `token expired at ${String(c.exp)}`, { claims: c });
  if (typeof c.nbf === "number" && c.nbf - skew > nowSec)
    return fail("not_yet_valid", `token not valid before ${c.nbf}`, { claims: c });
  if (c.idtyp !== "app") return fail("not_app_token", `idtyp ${String(c.idtyp)}: only app-only tokens`, { claims: c });
  const role = ROLE_FOR_PROTOCOL[protocol];
  if (!Array.isArray(c.roles) || !c.roles.includes(role))
    return fail("role_missing", `roles claim lacks ${role}`, { claims: c });
  return { ok: true, claims: c };
}

/**
 * Full decision for `user=` + bearer token on one protocol. Order follows what Exchange can know: token first,
 * then the service principal (appid AND oid), then the mailbox, then switches and permissions.
 * For SMTP the AUTH identity needs SendAs or FullAccess on the `user=` mailbox.
 */
export function checkAccess(opts: {
  user: string;
  token: string;
  protocol: MailProtocol;
  directory: ExchangeDirectory;
  trust: IdentityTrust;
  nowSec?: number;
}): AuthDecision {
  const { user, token, protocol, directory: dir, trust } = opts;
  const t = checkTokenClaims(token, protocol, dir, trust, opts.nowSec);
  if (!t.ok) return t;
  const claims = t.claims;
  const sp = dir.findServicePrincipal(claims.appid, claims.oid);
  if (!sp) {
    const byApp = dir.servicePrincipals.find((s) => s.appId.toLowerCase() === String(claims.appid).toLowerCase());
    const detail = byApp
      ? `service principal for appid ${claims.appid} registered with objectId ${byApp.objectId}, token oid ${claims.oid}`
      : `no service principal registered for appid ${claims.appid}`;
    return fail("sp_not_registered", detail, byApp ? { claims, spRegisteredAs: byApp.objectId } : { claims });
  }
  const mailbox = dir.findMailbox(user);
  if (!mailbox) return fail("mailbox_not_found", `no mailbox ${user}`, { claims, sp });
  const ctx = { claims, sp, mailbox };
  if (protocol === "smtp") {
    if (mailbox.smtpClientAuthEnabled === false)
      return fail("smtp_auth_disabled_mailbox", "SMTP AUTH disabled on the mailbox", ctx);
    if (mailbox.smtpClientAuthEnabled === undefined && dir.tenant.smtpClientAuthenticationDisabled)
      return fail("smtp_auth_disabled_tenant", "SMTP AUTH disabled for the tenant", ctx);
    if (!dir.hasFullAccess(sp.objectId, mailbox.address) && !dir.hasSendAs(sp.objectId, mailbox.address))
      return fail("no_mailbox_permission", `no SendAs/FullAccess for ${sp.objectId} on ${mailbox.address}`, ctx);
    return { ok: true, ...ctx };
  }
  if (!dir.hasFullAccess(sp.objectId, mailbox.address))
    return fail("no_mailbox_permission", `no FullAccess for ${sp.objectId} on ${mailbox.address}`, ctx);
  const enabled = protocol === "pop3" ? mailbox.popEnabled : mailbox.imapEnabled;
  if (!enabled) return fail("protocol_disabled", `${protocol} disabled on ${mailbox.address}`, ctx);
  return { ok: true, ...ctx };
}

/**
 * SMTP, end of DATA: may this service principal send as `from`? Only with SendAs on the From mailbox: FullAccess
 * "doesn't allow the delegate to send messages from the mailbox" (Microsoft, "Manage permissions for recipients",
 * https://learn.microsoft.com/en-us/exchange/recipients/mailbox-permissions; docs/exchange-behaviour.md section 4).
 * The login itself (checkAccess) takes SendAs or FullAccess on the `user=` mailbox.
 */
export function maySendAs(dir: ExchangeDirectory, sp: ExchangeServicePrincipal, from: string): boolean {
  const mb = dir.findMailbox(from);
  if (!mb) return false;
  return dir.hasSendAs(sp.objectId, mb.address);
}
