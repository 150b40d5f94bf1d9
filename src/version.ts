/**
 * xoauth-mail's own version. The one-file bundle (scripts/bundle.mjs) injects it at build time as
 * XOAUTH_MAIL_VERSION (there is no package.json next to it); unbundled it is read once from package.json
 * (dist/src/ -> package root); "0" when neither is there.
 */
import { readFileSync } from "node:fs";

/** Replaced by esbuild's `define` in the bundle; an undeclared global (typeof "undefined") everywhere else. */
declare const XOAUTH_MAIL_VERSION: string | undefined;

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  if (typeof XOAUTH_MAIL_VERSION === "string") {
    cached = XOAUTH_MAIL_VERSION;
    return cached;
  }
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    cached = typeof pkg.version === "string" ? pkg.version : "0";
  } catch {
    cached = "0";
  }
  return cached;
}
