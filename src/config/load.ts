/** Reads and validates the YAML config file and selects an account. */
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { XoauthError } from "../errors.js";
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

function issuePath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".") || "(top level)";
}

export function formatZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join("; ");
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
    throw new XoauthError("CONFIG_INVALID", `Config file ${path} is invalid: ${formatZodIssues(parsed.error)}`, {
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
  if (chosen !== undefined && !(chosen in accounts)) {
    throw new XoauthError(
      "CONFIG_INVALID",
      `Account "${chosen}" is not in ${cfg.path} (accounts: ${names.join(", ") || "none"}).`,
      { details: { params: { path: cfg.path } } },
    );
  }
  const base = cfg.raw.defaults ?? {};
  const acc = chosen === undefined ? {} : (accounts[chosen] ?? {});
  return { name: chosen, account: { ...base, ...acc } };
}
