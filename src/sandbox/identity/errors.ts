/**
 * Microsoft identity platform error responses (docs/exchange-behaviour.md section 1; AADSTS numbers:
 * https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes): `error`, HTTP status and an
 * `error_description` of the form `AADSTSnnnn: text\r\nTrace ID: ..\r\nCorrelation ID: ..\r\nTimestamp: ..`.
 * The texts are our own short wording; clients must key on `error_codes`, never on the text.
 */
import { randomUUID } from "node:crypto";

export interface AadstsDef {
  error: string;
  status: number;
}

/** Every AADSTS code the fake can answer with: the OAuth `error` string and the HTTP status. */
export const AADSTS: Record<number, AadstsDef> = {
  90002: { error: "invalid_tenant", status: 400 },
  900023: { error: "invalid_request", status: 400 },
  90038: { error: "invalid_request", status: 400 },
  9001023: { error: "invalid_request", status: 400 },
  900144: { error: "invalid_request", status: 400 },
  900561: { error: "invalid_request", status: 400 },
  70003: { error: "unsupported_grant_type", status: 400 },
  700016: { error: "unauthorized_client", status: 400 },
  7000112: { error: "unauthorized_client", status: 400 },
  7000215: { error: "invalid_client", status: 401 },
  7000222: { error: "invalid_client", status: 401 },
  7000218: { error: "invalid_client", status: 401 },
  700027: { error: "invalid_client", status: 401 },
  700024: { error: "invalid_client", status: 401 },
  700021: { error: "invalid_client", status: 401 },
  50027: { error: "invalid_request", status: 400 },
  70011: { error: "invalid_scope", status: 400 },
  1002012: { error: "invalid_scope", status: 400 },
  500011: { error: "invalid_resource", status: 400 },
  53003: { error: "invalid_grant", status: 400 },
  50196: { error: "invalid_request", status: 400 },
};

/** Default text per code; `{0}`, `{1}` are filled from the call's args. */
const TEXT: Record<number, string> = {
  90002: "Tenant '{0}' not found. Check the tenant ID and that you sign in to the right cloud.",
  900023: "Specified tenant identifier '{0}' is neither a valid DNS name, nor a valid external domain.",
  90038: "Tenant '{0}' belongs to another national cloud; use that cloud's authority host.",
  9001023:
    "The grant type is not supported over the /common, /consumers or /organizations endpoints. Use a tenant-specific endpoint.",
  900144: "The request body must contain the following parameter: '{0}'.",
  900561: "The endpoint only accepts POST requests. Received a {0} request.",
  70003: "The app requested an unsupported grant type '{0}'.",
  700016:
    "Application with identifier '{0}' was not found in the directory '{1}'. You may have sent the request to the wrong tenant.",
  7000112: "Application '{0}'({1}) is disabled.",
  7000215: "Invalid client secret provided. Send the secret's value, not its ID, for a secret of app '{0}'.",
  7000222: "The provided client secret keys for app '{0}' are expired. Create new keys for the app.",
  7000218: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  700027: "Client assertion failed signature validation. {0}",
  700024: "Client assertion is not within its valid time range. {0}",
  700021: "Client assertion application identifier doesn't match 'client_id' parameter.",
  50027: "JWT token is invalid or malformed.",
  70011: "The provided value for the input parameter 'scope' is not valid. The scope '{0}' is not valid.",
  1002012:
    "The provided value for scope {0} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.",
  500011: "The resource principal named {0} was not found in the tenant named {1}.",
  53003: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
  50196: "The server terminated an operation because it encountered a client request loop.",
};

export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

export interface AadErrorResponse {
  status: number;
  body: AadErrorBody;
}

/** `yyyy-mm-dd hh:mm:ssZ`, as in Microsoft's error bodies. */
export function aadTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

export interface AadErrorContext {
  /** Authority host the error is served from (for `error_uri`). */
  authority: string;
  correlationId?: string;
  now?: Date;
}

export function aadError(code: number, ctx: AadErrorContext, ...args: string[]): AadErrorResponse {
  const def = AADSTS[code] ?? { error: "invalid_request", status: 400 };
  const text = (TEXT[code] ?? "Forced error.").replace(/\{(\d)\}/g, (_m, i: string) => args[Number(i)] ?? "");
  const now = ctx.now ?? new Date();
  const traceId = randomUUID();
  const correlationId = ctx.correlationId ?? randomUUID();
  const timestamp = aadTimestamp(now);
  return {
    status: def.status,
    body: {
      error: def.error,
      error_description: `AADSTS${code}: ${text.trim()}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${ctx.authority}/error?code=${code}`,
    },
  };
}
