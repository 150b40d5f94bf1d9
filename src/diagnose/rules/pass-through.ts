/** Options and token stage: the typed error already names the root cause; pass its code, text and fix through. */
import { codeText, type Lang } from "../../i18n/index.js";
import { redact } from "../../log/redact.js";
import type { Facts } from "../facts.js";
import type { Rule } from "../rule.js";
import type { Diagnosis, StepId } from "../types.js";

/** The diagnosis for a typed error: its message as summary, its why + the catalog causes, its fix or the catalog's. */
export function passThrough(f: Facts, lang: Lang): Diagnosis | undefined {
  const err = f.error;
  if (!err) return undefined;
  const params = { ...f.params, ...err.details.params };
  const text = codeText(err.code, params, lang);
  const causes = [...(err.why ? [err.why] : []), ...(text?.causes ?? [])].filter((c, i, a) => a.indexOf(c) === i);
  const fix = err.fix.length ? err.fix : (text?.fix ?? []);
  return {
    code: err.code,
    summary: redact(err.message || text?.summary || err.code),
    causes: causes.map(redact),
    fix: fix.map(redact),
  };
}

function stageRule(name: string, step: StepId): Rule {
  return {
    name,
    diagnose: (_ctx, f, lang) => (f.failed?.id === step ? passThrough(f, lang) : undefined),
  };
}

/** Invalid options or config: USAGE / CONFIG_INVALID as raised. */
export const optionsError: Rule = stageRule("options-error", "options");

/** Any token-stage code (TENANT_NOT_FOUND, CLIENT_SECRET_INVALID, ...), exactly as the token provider raised it. */
export const tokenError: Rule = stageRule("token-error", "token");

const OWN_FALLBACK = new Set(["PROTOCOL_ERROR", "UNEXPECTED"]);

/** A typed mail-server error no specific rule claimed (LIMIT_EXCEEDED, CONNECTION_CLOSED, ...): pass it through. */
export const otherError: Rule = {
  name: "other-error",
  diagnose: (_ctx, f, lang) =>
    f.error && !OWN_FALLBACK.has(f.error.code) && codeText(f.error.code, {}, lang) ? passThrough(f, lang) : undefined,
};
