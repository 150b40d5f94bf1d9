/**
 * Renders docs/troubleshooting.md from the message catalog (src/i18n, English): every code of src/errors.ts with its
 * summary, likely causes, fix and exit code, the rule variants of the diagnosis engine, and the extra cause/fix texts
 * the token stage reports for special cases. Codes without catalog text get the hand-written entries of
 * troubleshooting-entries.ts.
 */
import { AADSTS_CODES } from "../../src/auth/aadsts.js";
import { variantText } from "../../src/diagnose/text.js";
import { ERROR_CODES, type ErrorCode, EXIT_CODES, errorClassOf, exitCodeOf } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { variants } from "../../src/i18n/en/diagnose.js";
import { type CodeText, codeText, t } from "../../src/i18n/index.js";
import { EXTRA_TEXTS, HAND_WRITTEN, INTRO, PLACEHOLDERS } from "./troubleshooting-entries.js";

/** Escapes `<` for Markdown/HTML outside of code spans (`...`), so placeholders like <tenant> stay visible. */
export function escapeMd(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;")))
    .join("");
}

/** The English catalog text of a code (placeholders shown as <name>), else the hand-written entry. */
export function textOf(code: ErrorCode): CodeText | undefined {
  return codeText(code, PLACEHOLDERS, "en") ?? HAND_WRITTEN[code];
}

function body(text: CodeText): string {
  const parts = [escapeMd(text.summary)];
  if (text.causes.length > 0) {
    parts.push(`Likely causes:\n\n${text.causes.map((c, i) => `${i + 1}. ${escapeMd(c)}`).join("\n")}`);
  }
  if (text.fix.length > 0) parts.push(`Fix:\n\n${text.fix.map((f) => `- ${escapeMd(f)}`).join("\n")}`);
  return parts.join("\n\n");
}

function aadstsLine(code: ErrorCode): string | undefined {
  const numbers = Object.entries(AADSTS_CODES)
    .filter(([, c]) => c === code)
    .map(([n]) => `AADSTS${n}`);
  return numbers.length > 0 ? `Reported for: ${numbers.join(", ")}.` : undefined;
}

function section(code: ErrorCode): string {
  const text = textOf(code);
  if (!text) throw new Error(`no catalog text and no hand-written entry for ${code}`);
  const parts = [`### \`${code}\` — exit ${exitCodeOf(code)} (${errorClassOf(code)})`, body(text)];
  const aadsts = aadstsLine(code);
  if (aadsts) parts.push(aadsts);
  for (const key of Object.keys(variants).filter((k) => k.startsWith(`${code}.`))) {
    const v = variantText(key, PLACEHOLDERS, "en");
    if (v) parts.push(`**Variant \`${key}\`:** ${body(v)}`);
  }
  for (const extra of EXTRA_TEXTS.filter((e) => e.code === code)) {
    const why = escapeMd(t(`${extra.key}.why`, PLACEHOLDERS, "en"));
    const fix = escapeMd(t(`${extra.key}.fix`, PLACEHOLDERS, "en"));
    parts.push(`**${escapeMd(extra.when)}** The cause reads: ${why}\n\nFix:\n\n- ${fix}`);
  }
  return parts.join("\n\n");
}

function exitTable(): string {
  const meaning: Record<keyof typeof EXIT_CODES, string> = {
    ok: "success",
    unexpected: "a bug: please report it",
    usage: "command line or configuration",
    identity: "the Microsoft identity platform refused, or the token lacks what the protocol needs",
    mailserver: "the mail server refused (login, mailbox access, sending)",
    network: "DNS, connection, timeout, TLS, HTTPS proxy",
    local: "Maildir/state not writable, `--exec` hook failed",
  };
  const rows = (Object.keys(EXIT_CODES) as Array<keyof typeof EXIT_CODES>)
    .sort((a, b) => EXIT_CODES[a] - EXIT_CODES[b])
    .map((k) => `| ${EXIT_CODES[k]} | ${k} | ${meaning[k]} |`);
  return `| exit | class | meaning |\n|---|---|---|\n${rows.join("\n")}`;
}

export function renderTroubleshooting(): string {
  return `${INTRO.replace("{exitTable}", exitTable())}\n${ERROR_CODES.map(section).join("\n\n")}\n`;
}
