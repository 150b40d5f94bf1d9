/** Where xoauth-mail looks for its config file when neither --config nor XOAUTH_MAIL_CONFIG is given. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** `$XDG_CONFIG_HOME/xoauth-mail/config.yaml`, else `~/.config/xoauth-mail/config.yaml` (what `init` writes). */
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
