/** Reading secrets from files and environment variables; every value is marked for redaction where it is born. */
import { readFileSync, statSync } from "node:fs";
import { XoauthError } from "../errors.js";
import { markSecret } from "../log/redact.js";

/** Largest secret / certificate / CA file we read. */
const MAX_SECRET_FILE_BYTES = 256 * 1024;

export function readBoundedFile(path: string, what: string, flag: string): string {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error("not a regular file");
    if (st.size > MAX_SECRET_FILE_BYTES) throw new Error(`larger than ${MAX_SECRET_FILE_BYTES} bytes`);
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new XoauthError("CONFIG_INVALID", `Cannot read the ${what} file ${path} (${flag}): ${(e as Error).message}`, {
      cause: e,
      details: { params: { path } },
    });
  }
}

/** The first line of a secret file, trimmed (editors add a trailing newline). */
export function readSecretFile(path: string, what: string, flag: string): string {
  const text = readBoundedFile(path, what, flag);
  const value = (text.split(/\r?\n/)[0] ?? "").trim();
  if (!value) throw new XoauthError("CONFIG_INVALID", `The ${what} file ${path} (${flag}) is empty.`);
  markSecret(value);
  return value;
}

export function readSecretEnv(env: NodeJS.ProcessEnv, name: string, what: string, where: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new XoauthError(
      "CONFIG_INVALID",
      `The ${what} is taken from environment variable ${name} (${where}), but ${name} is not set.`,
    );
  }
  markSecret(value);
  return value;
}

/** Splits a PEM bundle into its certificates. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
