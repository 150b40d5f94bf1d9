/** Where xoauth-mail looks for its config file when neither --config nor XOAUTH_MAIL_CONFIG is given. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { t } from "../i18n/index.js";

/**
 * `$XDG_CONFIG_HOME/xoauth-mail/config.yaml`, else `$HOME/.config/xoauth-mail/config.yaml` (what `init` writes).
 * On Windows (no HOME) the home directory is the user profile: `%USERPROFILE%\.config\xoauth-mail\config.yaml`.
 */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "xoauth-mail", "config.yaml");
}

/** The config file to load: the flag, else the environment, else the default path if a file exists there. */
export function configPathToLoad(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag) return flag;
  if (env.XOAUTH_MAIL_CONFIG) return env.XOAUTH_MAIL_CONFIG;
  const def = defaultConfigPath(env);
  return existsSync(def) ? def : undefined;
}

/**
 * The why and fix of an error about a value no flag or variable gave while no config file was found: the places
 * looked in (--config, XOAUTH_MAIL_CONFIG, the default path) and how to make one.
 */
export function noConfigFound(env: NodeJS.ProcessEnv): { why: string; fix: string[] } {
  const path = defaultConfigPath(env);
  return { why: t("config.notFound.why", { path }), fix: [t("config.notFound.fix", { path })] };
}
