/** Decoding and checking the claims of an Exchange app-only access token (claims: docs/exchange-behaviour.md section 2). Decode only. */
import type { ErrorCode } from "../errors.js";
import {
  GRAPH_READ_ROLES,
  GRAPH_SEND_ROLE,
  isExchangeAudience,
  isGraphAudience,
  type MailProtocol,
  ROLE_FOR_PROTOCOL,
  type Transport,
} from "./clouds.js";
import { decodeJwt, type JwtHeader } from "./jwt.js";
import type { TokenClaims } from "./types.js";

export type ClaimCheckId = "audience" | "role" | "expiry" | "app-only";

export interface ClaimCheck {
  id: ClaimCheckId;
  ok: boolean;
  /**
   * The token cannot tell (`ok` stays true, `--check` passes): a Graph app scoped with RBAC for Applications has no
   * roles in its token and may still be allowed; only a request to the mailbox shows it.
   */
  unknown?: true;
  detail: string;
  /** The stable code of the problem when not ok. */
  code?: ErrorCode;
}

export function decodeClaims(token: string): { header: JwtHeader; claims: TokenClaims } {
  return decodeJwt(token);
}

/**
 * A claim for a detail line. Claims are whatever JSON the token holds, not the declared types: a non-string is shown
 * as JSON (String() throws on e.g. `{"toString":{}}`, and an array audience has no .replace).
 */
function show(v: unknown): string {
  return typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
}

/** ISO time of a NumericDate, or the number itself when it is no valid date (e.g. 1e300). */
function isoTime(exp: number): string {
  const d = new Date(exp * 1000);
  return Number.isNaN(d.getTime()) ? `at ${exp}` : d.toISOString();
}

function audienceCheck(claim: unknown): ClaimCheck {
  const aud = typeof claim === "string" ? claim : undefined;
  if (isExchangeAudience(aud)) return { id: "audience", ok: true, detail: `aud ${aud} is Exchange Online` };
  const graph = isGraphAudience(aud);
  return {
    id: "audience",
    ok: false,
    code: "WRONG_AUDIENCE",
    detail: graph
      ? `aud ${aud} is Microsoft Graph: the token was requested with the Graph scope; use https://outlook.office365.com/.default`
      : `aud ${claim === undefined ? "(missing)" : show(claim)} is not Exchange Online; request the scope https://outlook.office365.com/.default`,
  };
}

/** Graph needs a Graph token (`aud` https://graph.microsoft.com or its app ID; per cloud: src/auth/clouds.ts). */
function graphAudienceCheck(claim: unknown): ClaimCheck {
  const aud = typeof claim === "string" ? claim : undefined;
  if (isGraphAudience(aud)) return { id: "audience", ok: true, detail: `aud ${aud} is Microsoft Graph` };
  return {
    id: "audience",
    ok: false,
    code: "WRONG_AUDIENCE",
    detail: isExchangeAudience(aud)
      ? `aud ${aud} is Exchange Online (POP/IMAP/SMTP), not Microsoft Graph: request the scope https://graph.microsoft.com/.default (drop --scope with --protocol graph)`
      : `aud ${claim === undefined ? "(missing)" : show(claim)} is not Microsoft Graph; request the scope https://graph.microsoft.com/.default`,
  };
}

/**
 * Graph mail roles (Mail.Read, Mail.ReadBasic, Mail.ReadWrite, Mail.Send). Their absence proves nothing: RBAC for
 * Applications grants are not in the token (learn.microsoft.com/exchange/permissions-exo/application-rbac), so the
 * check is then "unknown", not failed.
 */
function graphRoleCheck(roles: unknown): ClaimCheck {
  const list = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
  const mail = list.filter((r) => GRAPH_READ_ROLES.includes(r) || r === GRAPH_SEND_ROLE);
  if (list.some((r) => GRAPH_READ_ROLES.includes(r))) {
    return { id: "role", ok: true, detail: `roles contain ${mail.join(", ")}` };
  }
  const rbac = "RBAC for Applications grants are not in the token: `xoauth-mail test --protocol graph` shows access";
  return {
    id: "role",
    ok: true,
    unknown: true,
    detail: list.length
      ? `roles [${list.join(", ")}] hold no Mail.Read/Mail.ReadWrite/Mail.ReadBasic; ${rbac}`
      : `no roles claim: no Microsoft Graph application permission is consented; ${rbac}`,
  };
}

function roleCheck(roles: unknown, protocol: MailProtocol): ClaimCheck {
  const need = ROLE_FOR_PROTOCOL[protocol];
  if (!Array.isArray(roles)) {
    return {
      id: "role",
      ok: false,
      code: "PERMISSION_MISSING",
      detail: `no roles claim: admin consent was not granted for any application permission (needs ${need})`,
    };
  }
  if (roles.includes(need)) return { id: "role", ok: true, detail: `roles contain ${need}` };
  return {
    id: "role",
    ok: false,
    code: "PERMISSION_MISSING",
    detail: `roles [${roles.map(show).join(", ")}] lack ${need}: add the application permission and grant admin consent`,
  };
}

function expiryCheck(exp: unknown, now: number): ClaimCheck {
  if (exp === undefined) return { id: "expiry", ok: false, code: "TOKEN_EXPIRED", detail: "no exp claim" };
  if (typeof exp !== "number" || !Number.isFinite(exp)) {
    return { id: "expiry", ok: false, code: "TOKEN_EXPIRED", detail: `exp ${show(exp)} is not a time` };
  }
  const mins = Math.floor((exp * 1000 - now) / 60_000);
  return exp * 1000 > now
    ? { id: "expiry", ok: true, detail: `expires ${isoTime(exp)} (${mins} min left)` }
    : { id: "expiry", ok: false, code: "TOKEN_EXPIRED", detail: `expired ${isoTime(exp)} (${-mins} min ago)` };
}

function appOnlyCheck(c: TokenClaims): ClaimCheck {
  const delegated = typeof c.scp === "string" || (c.idtyp !== undefined && c.idtyp !== "app");
  return delegated
    ? {
        id: "app-only",
        ok: false,
        code: "WRONG_AUDIENCE",
        detail: `a delegated (user) token (idtyp=${show(c.idtyp ?? "-")}, scp present: ${typeof c.scp === "string"}); xoauth-mail needs an app-only token`,
      }
    : { id: "app-only", ok: true, detail: `app-only token (appidacr=${show(c.appidacr ?? "-")})` };
}

/** Audience, protocol role, expiry and app-only checks, in that order. */
export function checkClaims(claims: TokenClaims, transport: Transport, now = Date.now()): ClaimCheck[] {
  const graph = transport === "graph";
  return [
    graph ? graphAudienceCheck(claims.aud) : audienceCheck(claims.aud),
    graph ? graphRoleCheck(claims.roles) : roleCheck(claims.roles, transport),
    expiryCheck(claims.exp, now),
    appOnlyCheck(claims),
  ];
}
