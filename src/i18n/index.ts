/**
 * The one message catalog. Code texts live in src/i18n/<lang>/*.ts (one file per area), merged here.
 * Lookup falls back to English, then to the key itself, so a missing translation never crashes.
 */
import type { ErrorCode } from "../errors.js";
import { ui as deUi } from "./de/ui.js";
import { ui as enUi } from "./en/ui.js";
import type { CodeCatalog, CodeText, Lang, UiCatalog } from "./types.js";

export type { CodeText, Lang } from "./types.js";

const codeCatalogs: Record<Lang, CodeCatalog[]> = { en: [], de: [] };
const uiCatalogs: Record<Lang, UiCatalog[]> = { en: [enUi], de: [deUi] };

/** Areas register their catalogs at import time (see src/i18n/catalogs.ts). */
export function registerCatalog(lang: Lang, codes: CodeCatalog, ui: UiCatalog = {}): void {
  codeCatalogs[lang].push(codes);
  uiCatalogs[lang].push(ui);
}

let currentLang: Lang = "en";

/** Picks the language: explicit flag, else LC_ALL / LC_MESSAGES / LANG starting with "de". */
export function detectLang(flag?: string, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag) return flag.toLowerCase().startsWith("de") ? "de" : "en";
  const loc = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return loc.toLowerCase().startsWith("de") ? "de" : "en";
}

export function setLang(lang: Lang): void {
  currentLang = lang;
}

export function getLang(): Lang {
  return currentLang;
}

/** Values every text may use, e.g. `{command}` = the command being run (set by the CLI before its action). */
const defaultParams: Record<string, unknown> = {};

export function setDefaultParam(name: string, value: unknown): void {
  defaultParams[name] = value;
}

export function fill(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = params[name] ?? defaultParams[name];
    return v === undefined || v === null || v === "" ? `<${name}>` : String(v);
  });
}

/** UI string by key, filled with params. */
export function t(key: string, params: Record<string, unknown> = {}, lang: Lang = currentLang): string {
  for (const cat of [...uiCatalogs[lang], ...uiCatalogs.en]) {
    const s = cat[key];
    if (s !== undefined) return fill(s, params);
  }
  return key;
}

/** Code text (summary, causes, fix) filled with params; undefined when no catalog has it. */
export function codeText(
  code: ErrorCode,
  params: Record<string, unknown> = {},
  lang: Lang = currentLang,
): CodeText | undefined {
  for (const cat of [...codeCatalogs[lang], ...codeCatalogs.en]) {
    const c = cat[code];
    if (c)
      return {
        summary: fill(c.summary, params),
        causes: c.causes.map((s) => fill(s, params)),
        fix: c.fix.map((s) => fill(s, params)),
      };
  }
  return undefined;
}
