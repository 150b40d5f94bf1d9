/** The error for a required value that no flag, variable or config file gave: it says where the config was looked for. */
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { LoadedConfig } from "./load.js";
import { noConfigFound } from "./paths.js";

/** Where the run looked for values besides flags and variables: the config file read (and its account), or none. */
export interface ValueSources {
  env: NodeJS.ProcessEnv;
  loaded: LoadedConfig | undefined;
  accountName: string | undefined;
}

/**
 * A USAGE error from catalog text `key` (with a `key.inFile` variant naming the file and account when one was read);
 * without a config file its why and fix name the places looked in and how to create one.
 */
export function missingValue(src: ValueSources, key: string, params: Record<string, string> = {}): XoauthError {
  if (src.loaded) {
    return new XoauthError(
      "USAGE",
      t(`${key}.inFile`, { ...params, path: src.loaded.path, account: src.accountName ?? "defaults" }),
    );
  }
  return new XoauthError("USAGE", t(key, params), noConfigFound(src.env));
}
