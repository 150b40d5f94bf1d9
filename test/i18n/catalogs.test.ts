/**
 * Scans every message catalog (src/i18n/en/*.ts against src/i18n/de/*.ts): each English key has a German text with
 * the same {placeholders}, and no German text is merely a copy of the English one unless it is purely technical.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

type Text = string | { summary: string; causes: string[]; fix: string[] };
type Catalog = Record<string, Text>;

const HERE = dirname(fileURLToPath(import.meta.url));
const I18N = join(HERE, "..", "..", "src", "i18n");

async function load(lang: string, file: string): Promise<Record<string, Catalog>> {
  const mod = (await import(join(I18N, lang, file))) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(mod).filter(([, v]) => v !== null && typeof v === "object") as [string, Catalog][],
  );
}

const files = readdirSync(join(I18N, "en")).filter((f) => f.endsWith(".js"));

/** Every (file, export, key, part) -> text pair of one language. */
async function flatten(lang: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of files) {
    for (const [name, cat] of Object.entries(await load(lang, file))) {
      for (const [key, text] of Object.entries(cat)) {
        const at = `${file}:${name}.${key}`;
        if (typeof text === "string") out.set(at, text);
        else {
          out.set(`${at}.summary`, text.summary);
          out.set(`${at}.causes`, text.causes.join("\n"));
          out.set(`${at}.fix`, text.fix.join("\n"));
        }
      }
    }
  }
  return out;
}

const placeholders = (s: string): string[] => [...new Set(s.match(/\{\w+\}/g) ?? [])].sort();

/**
 * The only allowed placeholder differences, each with its reason: {message} is the library's English error text, so
 * the German failed-step detail names the stable {code} instead (the German diagnosis follows below it).
 */
const PLACEHOLDER_EXCEPTIONS: Record<string, { en: string[]; de: string[] }> = {
  "steps.js:stepsUi.step.failed.reply": { en: ["{message}"], de: ["{code}"] },
  "steps.js:stepsUi.step.failed.noReply": { en: ["{message}"], de: ["{code}"] },
};

function comparable(key: string, lang: "en" | "de", s: string): string {
  const drop = PLACEHOLDER_EXCEPTIONS[key]?.[lang] ?? [];
  return placeholders(s)
    .filter((p) => !drop.includes(p))
    .join(" ");
}

/** Words German IT admins use unchanged. */
const LOANWORDS = new Set(["Claims", "Token", "Capabilities"]);

/**
 * Purely technical: what is left after removing placeholders, commands and identifiers has no natural-language
 * word. Identifiers: ALLCAPS, dotted/hyphenated/`=` tokens, CamelCase (PowerShell), flags, paths.
 */
export function isTechnical(s: string): boolean {
  const words = s
    .replace(/\{\w+\}/g, " ")
    .replace(/`[^`]*`/g, " ")
    .split(/[\s,;:()[\]<>'"|/]+/)
    .filter((w) => /[a-z]{3,}/.test(w))
    .filter((w) => !/^-|[.=@$-]|\d|^[A-Z][a-z]+[A-Z]/.test(w) && !LOANWORDS.has(w));
  return words.length === 0;
}

test("the German catalogs have every English key, with the same placeholders", async () => {
  const en = await flatten("en");
  const de = await flatten("de");
  const missing = [...en.keys()].filter((k) => !de.has(k));
  assert.deepEqual(missing, [], "German texts missing");
  const extra = [...de.keys()].filter((k) => !en.has(k));
  assert.deepEqual(extra, [], "German keys without an English text");
  const mismatched = [...en.entries()]
    .filter(([k, s]) => comparable(k, "en", s) !== comparable(k, "de", de.get(k) ?? ""))
    .map(([k, s]) => `${k}: en ${placeholders(s).join(" ")} / de ${placeholders(de.get(k) ?? "").join(" ")}`);
  assert.deepEqual(mismatched, []);
});

test("no German text is a copy of the English one, except purely technical texts", async () => {
  const en = await flatten("en");
  const de = await flatten("de");
  const copies = [...en.entries()].filter(([k, s]) => s !== "" && de.get(k) === s && !isTechnical(s)).map(([k]) => k);
  assert.deepEqual(copies, []);
});

test("isTechnical tells commands and identifiers from sentences", () => {
  assert.equal(isTechnical("STAT: {count} messages"), false);
  assert.equal(isTechnical("STLS: {tls}; {caps}"), true);
  assert.equal(isTechnical("Set-CASMailbox -Identity {mailbox} -ImapEnabled $true"), true);
  assert.equal(isTechnical("The configuration is invalid."), false);
  assert.equal(isTechnical("STARTTLS"), true);
  assert.equal(isTechnical("Claims"), true);
  assert.equal(isTechnical("Token claims"), false);
});
