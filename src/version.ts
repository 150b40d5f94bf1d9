/** xoauth-mail's own version, read once from package.json (dist/src/ -> package root); "0" when unreadable. */
import { readFileSync } from "node:fs";

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
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
