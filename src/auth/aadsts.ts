/**
 * Maps token-endpoint error answers to stable codes by `error_codes` (never by the text); the endpoint's error
 * answers: docs/exchange-behaviour.md section 1.
 * User-facing text comes from the catalog (src/i18n/{en,de}/auth.ts).
 */
import { type ErrorCode, XoauthError } from "../errors.js";
import { codeText, t } from "../i18n/index.js";
import { isGuid } from "./guid.js";

export const AADSTS_CODES: Readonly<Record<number, ErrorCode>> = {
  90002: "TENANT_NOT_FOUND",
  900023: "TENANT_INVALID",
  9001023: "TENANT_INVALID",
  90038: "WRONG_CLOUD",
  700016: "APP_NOT_FOUND",
  7000215: "CLIENT_SECRET_INVALID",
  7000222: "CLIENT_SECRET_EXPIRED",
  7000218: "CLIENT_CREDENTIAL_MISSING",
  700027: "CERTIFICATE_INVALID",
  700024: "CLOCK_SKEW",
  70011: "SCOPE_INVALID",
  1002012: "SCOPE_INVALID",
  500011: "RESOURCE_NOT_FOUND",
  7000112: "APP_DISABLED",
  53003: "CONDITIONAL_ACCESS_BLOCKED",
  50196: "THROTTLED",
};

export interface TokenErrorContext {
  tenantId: string;
  clientId: string;
  scope: string;
  authorityHost: string;
  /** The secret that was sent, only to recognise a GUID-shaped secret (its ID instead of its Value). */
  secret?: string | undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

/**
 * The AADSTS number: the first of `error_codes` we have a mapping for, else the first one, else the `AADSTSnnnn` at the
 * start of error_description.
 */
export function aadstsOf(body: Record<string, unknown> | undefined): number | undefined {
  const codes = Array.isArray(body?.error_codes)
    ? body.error_codes.filter((c): c is number => typeof c === "number")
    : [];
  const known = codes.find((c) => AADSTS_CODES[c] !== undefined);
  if (known !== undefined) return known;
  if (codes[0] !== undefined) return codes[0];
  const m = /^AADSTS(\d+)/.exec(str(body?.error_description) ?? "");
  return m ? Number(m[1]) : undefined;
}

/** A typed error for an HTTP error answer of the token endpoint. */
export function mapTokenError(
  status: number,
  body: Record<string, unknown> | undefined,
  ctx: TokenErrorContext,
): XoauthError {
  const aadsts = aadstsOf(body);
  let code: ErrorCode =
    aadsts !== undefined ? (AADSTS_CODES[aadsts] ?? "TOKEN_ENDPOINT_ERROR") : "TOKEN_ENDPOINT_ERROR";
  if (code === "TOKEN_ENDPOINT_ERROR" && status === 429) code = "THROTTLED";
  const params = {
    tenantId: ctx.tenantId,
    clientId: ctx.clientId,
    scope: ctx.scope,
    authorityHost: ctx.authorityHost,
    aadsts,
  };
  const description = str(body?.error_description);
  const details = {
    ...(aadsts !== undefined ? { aadsts } : {}),
    ...(str(body?.trace_id) ? { traceId: str(body?.trace_id) } : {}),
    ...(str(body?.correlation_id) ? { correlationId: str(body?.correlation_id) } : {}),
    httpStatus: status,
    ...(description ? { serverReply: description.split(/\r?\n/)[0] } : {}),
    params,
  };
  const summary = codeText(code, params)?.summary ?? t("auth.tokenEndpointError", params);
  const errName = str(body?.error);
  const head =
    aadsts !== undefined
      ? `AADSTS${aadsts}${errName ? ` (${errName})` : ""}`
      : `HTTP ${status}${errName ? ` (${errName})` : ""}`;
  const opts: ConstructorParameters<typeof XoauthError>[2] = { details };
  if (code === "CLIENT_SECRET_INVALID" && ctx.secret && isGuid(ctx.secret.trim())) {
    opts.why = t("auth.secretIdHint.why", params);
    opts.fix = [t("auth.secretIdHint.fix", params)];
  }
  if (code === "TOKEN_ENDPOINT_ERROR" && aadsts !== undefined) {
    // The catalog text covers answers without a number; a number we do not know gets its own look-up line.
    opts.why = t("auth.unknownAadsts.why", params);
    opts.fix = [t("auth.unknownAadsts.fix", params)];
  }
  if (aadsts === 9001023) {
    opts.why = t("auth.multiTenant.why", params);
    opts.fix = [t("auth.multiTenant.fix", params)];
  }
  return new XoauthError(code, `${head}: ${summary}`, opts);
}
