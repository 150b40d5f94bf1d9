/** Looks up the diagnosis texts (rule variants and UI strings) in the current language, falling back to English. */
import { ui as deUi, variants as deVariants } from "../i18n/de/diagnose.js";
import { stepsUi as deStepsUi } from "../i18n/de/steps.js";
import { ui as enUi, variants as enVariants } from "../i18n/en/diagnose.js";
import { stepsUi as enStepsUi } from "../i18n/en/steps.js";
import { codeText, fill, getLang, type Lang } from "../i18n/index.js";
import type { CodeText } from "../i18n/types.js";
import type { Diagnosis, DiagnosisCode } from "./types.js";

const VARIANTS: Record<Lang, Record<string, CodeText>> = { en: enVariants, de: deVariants };
const UI: Record<Lang, Record<string, string>> = { en: { ...enUi, ...enStepsUi }, de: { ...deUi, ...deStepsUi } };

type Params = Record<string, unknown>;

function filled(c: CodeText, params: Params): CodeText {
  return {
    summary: fill(c.summary, params),
    causes: c.causes.map((s) => fill(s, params)),
    fix: c.fix.map((s) => fill(s, params)),
  };
}

/** Text of a rule variant (`CODE` or `CODE.variant`), falling back to the base code, then to English. */
export function variantText(key: string, params: Params, lang: Lang = getLang()): CodeText | undefined {
  const base = key.split(".")[0] ?? key;
  const c = VARIANTS[lang][key] ?? VARIANTS.en[key] ?? VARIANTS[lang][base] ?? VARIANTS.en[base];
  return c ? filled(c, params) : undefined;
}

/** A diagnosis UI string (step names, step details, labels). */
export function diagUi(key: string, params: Params = {}, lang: Lang = getLang()): string {
  const s = UI[lang][key] ?? UI.en[key];
  return s === undefined ? key : fill(s, params);
}

/** The variant key of a code for a transport: `CODE.toGraph` for Graph runs (falls back to `CODE` without such text). */
export function transportKey(code: string, protocol: string): string {
  return protocol === "graph" ? `${code}.toGraph` : code;
}

/** Builds a diagnosis from a variant; `lead` sentences are appended to the summary (what the token proves). */
export function fromVariant(
  code: DiagnosisCode,
  key: string,
  params: Params,
  opts: { lang?: Lang; lead?: string } = {},
): Diagnosis {
  const lang = opts.lang ?? getLang();
  const text = variantText(key, params, lang) ??
    (code === "OK" ? undefined : codeText(code, params, lang)) ?? { summary: code, causes: [], fix: [] };
  return {
    code,
    summary: opts.lead ? `${text.summary} ${opts.lead}` : text.summary,
    causes: text.causes,
    fix: text.fix,
  };
}
