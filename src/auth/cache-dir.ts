/**
 * Where xoauth-mail keeps what it caches for the user (tokens; the one-file bundle's compiled code): no imports but
 * Node's, so the bundle's small launcher can use it without loading the rest.
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** $XOAUTH_MAIL_CACHE_DIR, else $XDG_CACHE_HOME/xoauth-mail, else ~/.cache/xoauth-mail. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XOAUTH_MAIL_CACHE_DIR) return env.XOAUTH_MAIL_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return join(base, "xoauth-mail");
}
