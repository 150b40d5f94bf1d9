/**
 * Errors as the CLI prints them: what happened, why, the fix (human) or the stable JSON shape (`--json`). The streams
 * themselves, redacted at the sink, are src/cli/process-out.ts (re-exported here).
 */
import { graphRequestId, graphRequestLine } from "../diagnose/request-id.js";
import { graphErrorVariant } from "../diagnose/rules/graph-access.js";
import { variantText } from "../diagnose/text.js";
import type { XoauthError } from "../errors.js";
import "../i18n/catalogs.js";
import { codeText, t } from "../i18n/index.js";
import { redact } from "../log/redact.js";
import { escapeControl } from "../log/sanitize.js";
import { toTypedError } from "../store/fs-errors.js";

export { type Out, processOut, writeSecretPayload } from "./process-out.js";

/** What a command's catch-all reports: a local file-system failure is STORE_ERROR (exit 6), never UNEXPECTED. */
export const cliError: (e: unknown) => XoauthError = toTypedError;

/** The catalog text of an error: a Graph 403's text for its operation (fetch: Mail.ReadWrite to move), else the code's. */
function textOf(err: XoauthError) {
  const params = { ...err.details.params, serverReply: err.details.serverReply };
  const variant = graphErrorVariant(err);
  return (variant ? variantText(variant, params) : undefined) ?? codeText(err.code, params);
}

/** The stable JSON shape of an error (`--json`). */
export function errorJson(err: XoauthError): Record<string, unknown> {
  const text = textOf(err);
  return {
    code: err.code,
    aadsts: err.details.aadsts ?? null,
    message: redact(err.message),
    cause: redact(err.why ?? text?.causes[0] ?? ""),
    fix: (err.fix.length ? err.fix : (text?.fix ?? [])).map(redact),
    trace_id: err.details.traceId ?? null,
    correlation_id: err.details.correlationId ?? null,
    server_reply: err.details.serverReply ? redact(err.details.serverReply) : null,
    ...(graphRequestId(err) ? { request_id: graphRequestId(err) } : {}),
  };
}

/** Human form: what happened, why, and the exact fix. */
export function formatError(e: unknown): string {
  const err = cliError(e);
  const text = textOf(err);
  const lines = [`✗ ${t("error.label")} [${err.code}]: ${escapeControl(err.message)}`];
  const why = err.why ?? text?.causes[0];
  if (why) lines.push(`  ${t("error.why")}: ${escapeControl(why)}`);
  const fix = err.fix.length ? err.fix : (text?.fix ?? []);
  if (fix.length) {
    lines.push(`  ${t("error.fix")}:`);
    for (const f of fix) lines.push(`    ${escapeControl(f, { keepNewlines: true }).split("\n").join("\n    ")}`);
  }
  if (err.details.traceId)
    lines.push(`  Trace ID: ${err.details.traceId}  Correlation ID: ${err.details.correlationId ?? "-"}`);
  const requestId = graphRequestId(err);
  if (requestId) lines.push(graphRequestLine(requestId));
  return lines.join("\n") + "\n";
}
