/** HTTP replies of the identity fake: Entra's JSON headers, AADSTS errors, plain-text failures. */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type AadErrorContext, type AadErrorResponse, aadError } from "./errors.js";
import type { FailSpec } from "./script.js";

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s && /^[0-9a-f-]{36}$/i.test(s) ? s : undefined;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function jsonHeaders(correlationId?: string): Record<string, string> {
  return {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store, no-cache",
    Pragma: "no-cache",
    "x-ms-request-id": randomUUID(),
    ...(correlationId ? { "client-request-id": correlationId } : {}),
  };
}

export function json(status: number, body: unknown, correlationId?: string): Reply {
  return { status, headers: jsonHeaders(correlationId), body: JSON.stringify(body) };
}

export function aadReply(e: AadErrorResponse): Reply {
  return json(e.status, e.body, e.body.correlation_id);
}

export function text(status: number, body: string, extra: Record<string, string> = {}): Reply {
  return { status, headers: { "Content-Type": "text/plain", ...extra }, body };
}

export function forcedReply(spec: FailSpec, ctx: AadErrorContext): Reply {
  const extra: Record<string, string> =
    spec.retryAfterSec === undefined ? {} : { "Retry-After": String(spec.retryAfterSec) };
  if (spec.aadsts !== undefined) {
    const r = aadReply(aadError(spec.aadsts, ctx));
    return { ...r, headers: { ...r.headers, ...extra } };
  }
  const status = spec.status ?? 503;
  return text(status, spec.body ?? `Forced failure ${status}`, extra);
}

export function send(res: ServerResponse, r: Reply): void {
  if (res.headersSent) return;
  res.writeHead(r.status, { ...r.headers, "Content-Length": String(Buffer.byteLength(r.body)) });
  res.end(r.body);
}
