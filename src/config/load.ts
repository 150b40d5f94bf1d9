/** Reads and validates the YAML config file and selects an account. */
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import { closest } from "./closest.js";
import { describeIssues } from "./issues.js";
import { assertInlineSecretsPrivate } from "./privacy.js";
import { type AccountConfig, type ConfigFile, ConfigFileSchema } from "./schema.js";
import { readRegularFile } from "./secrets.js";
import { decodeText } from "./text.js";

/** Largest config file we read. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadedConfig {
  path: string;
  raw: ConfigFile;
}

export function formatZodIssues(error: z.ZodError): string {
  return describeIssues(ConfigFileSchema, error).text;
}

/** Where the file holds a secret itself: `clientSecret`, or a password in a `proxy` URL. */
export function inlineSecrets(cfg: ConfigFile): string[] {
  const sections: [string, AccountConfig | undefined][] = [
    ["defaults", cfg.defaults],
    ...Object.entries(cfg.accounts ?? {}).map(([name, a]): [string, AccountConfig] => [`accounts.${name}`, a]),
  ];
  const out: string[] = [];
  for (const [at, a] of sections) {
    if (a?.clientSecret) out.push(`${at}.clientSecret`);
    if (a?.proxy && new URL(a.proxy).password) out.push(`${at}.proxy (password)`);
  }
  return out;
}

export function loadConfigFile(path: string): LoadedConfig {
  let text: string;
  let mode: number;
  try {
    const file = readRegularFile(path, MAX_CONFIG_BYTES);
    mode = file.mode;
    text = decodeText(file.bytes);
  } catch (e) {
    throw new XoauthError("CONFIG_INVALID", `Cannot read config file ${path}: ${(e as Error).message}`, {
      cause: e,
      details: { params: { path } },
    });
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (e) {
    throw new XoauthError("CONFIG_INVALID", `Config file ${path} is not valid YAML: ${(e as Error).message}`, {
      cause: e,
      details: { params: { path } },
    });
  }
  const parsed = ConfigFileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = describeIssues(ConfigFileSchema, parsed.error);
    throw new XoauthError("CONFIG_INVALID", t("config.invalid", { path, issues: issues.text }), {
      ...(issues.unknownKeys ? { why: t("config.unknownKey.why"), fix: [t("config.unknownKey.fix", { path })] } : {}),
      details: { params: { path } },
    });
  }
  assertInlineSecretsPrivate(path, mode, inlineSecrets(parsed.data));
  return { path, raw: parsed.data };
}

/** The named account (or `defaultAccount`, or the only account) merged over `defaults`. */
export function selectAccount(
  cfg: LoadedConfig,
  name: string | undefined,
): { name: string | undefined; account: AccountConfig } {
  const accounts = cfg.raw.accounts ?? {};
  const names = Object.keys(accounts);
  let chosen = name ?? cfg.raw.defaultAccount;
  if (chosen === undefined && names.length === 1) chosen = names[0];
  if (chosen !== undefined && !Object.hasOwn(accounts, chosen)) {
    const suggestion = closest(chosen, names);
    throw new XoauthError(
      "CONFIG_INVALID",
      t("config.account.unknown", { account: chosen, path: cfg.path, accounts: names.join(", ") || "-" }) +
        (suggestion ? t("config.unknownKey.suggest", { suggestion }) : "."),
      { details: { params: { path: cfg.path } } },
    );
  }
  const base = cfg.raw.defaults ?? {};
  const acc = chosen === undefined ? {} : (accounts[chosen] ?? {});
  return { name: chosen, account: { ...base, ...acc } };
}
