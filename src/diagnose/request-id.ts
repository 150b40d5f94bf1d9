/**
 * Microsoft Graph's `request-id` in error output: one helper for `test`, `send` and `fetch` (diagnoses and plain
 * errors), text and JSON. Small on purpose: every command's output path loads it.
 */
import { t } from "../i18n/index.js";
import { escapeControl } from "../log/sanitize.js";

/**
 * Graph's `request-id` of a failed request (kept by src/graph/classify.ts in the error's params.requestId), the one
 * thing Microsoft support asks for (learn.microsoft.com/graph/errors: innerError request-id).
 */
export function graphRequestId(err: { details: { params?: Record<string, unknown> } } | undefined): string | undefined {
  const id = err?.details.params?.requestId;
  return typeof id === "string" && id ? id : undefined;
}

/** The output line naming it: the same for `test`, `send` and `fetch` (diagnoses and plain errors). */
export function graphRequestLine(requestId: string): string {
  return `  ${t("error.graphRequestId", { requestId: escapeControl(requestId) })}`;
}

/** `{ requestId }` when the error carries one, else `{}`: for JSON objects built from an error. */
export function requestIdField(err: Parameters<typeof graphRequestId>[0]): { requestId?: string } {
  const requestId = graphRequestId(err);
  return requestId ? { requestId } : {};
}
