/** Decoding and checking the claims of an Exchange app-only access token (claims: docs/exchange-behaviour.md section 2). Decode only. */
import type { ErrorCode } from "../errors.js";
import { GRAPH_AUDIENCES, isExchangeAudience, type MailProtocol, ROLE_FOR_PROTOCOL } from "./clouds.js";
import { decodeJwt, type JwtHeader } from "./jwt.js";
import type { TokenClaims } from "./types.js";

export type ClaimCheckId = "audience" | "role" | "expiry" | "app-only";

export interface ClaimCheck {
  id: ClaimCheckId;
  ok: boolean;
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
  const norm = (aud ?? "").replace(/\/+$/, "").toLowerCase();
  const graph = GRAPH_AUDIENCES.some((g) => g.toLowerCase() === norm);
  return {
    id: "audience",
    ok: false,
    code: "WRONG_AUDIENCE",
    detail: graph
      ? `aud ${aud} is Microsoft Graph: the token was requested with the Graph scope; use https://outlook.office365.com/.default`
      : `aud ${claim === undefined ? "(missing)" : show(claim)} is not Exchange Online; request the scope https://outlook.office365.com/.default`,
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
export function checkClaims(claims: TokenClaims, protocol: MailProtocol, now = Date.now()): ClaimCheck[] {
  return [
    audienceCheck(claims.aud),
    roleCheck(claims.roles, protocol),
    expiryCheck(claims.exp, now),
    appOnlyCheck(claims),
  ];
}
