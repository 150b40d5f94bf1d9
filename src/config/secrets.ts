/** Reading secrets from files and environment variables; every value is marked for redaction where it is born. */
import { closeSync, constants as fsConstants, fstatSync, openSync } from "node:fs";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import { markSecret } from "../log/redact.js";
import { readAtMost } from "../read-fd.js";
import { assertOwnerOnly, shellWord, whatLabel } from "./privacy.js";
import { decodeText } from "./text.js";

/** Largest secret / certificate / CA file we read. */
const MAX_SECRET_FILE_BYTES = 256 * 1024;

/** Opening a FIFO must not block; regular files read the same with or without it (undefined on Windows). */
const O_NONBLOCK = fsConstants.O_NONBLOCK ?? 0;

export interface FileContent {
  bytes: Buffer;
  /** st_mode of the file itself (a symlink's target). */
  mode: number;
}

/**
 * A regular file of at most `max` bytes, read through one descriptor so that the mode checked is the mode of the
 * bytes read. Throws the plain Node error (or Error("not a regular file" / "larger than ...")).
 */
export function readRegularFile(path: string, max: number): FileContent {
  const fd = openSync(path, fsConstants.O_RDONLY | O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error("not a regular file");
    if (st.size > max) throw new Error(`larger than ${max} bytes`);
    const bytes = readAtMost(fd, st.size, max);
    if (bytes.length > max) throw new Error(`larger than ${max} bytes`);
    return { bytes, mode: st.mode };
  } finally {
    closeSync(fd);
  }
}

function readFileOrThrow(path: string, what: string, flag: string): FileContent {
  try {
    return readRegularFile(path, MAX_SECRET_FILE_BYTES);
  } catch (e) {
    throw new XoauthError("CONFIG_INVALID", `Cannot read the ${what} file ${path} (${flag}): ${(e as Error).message}`, {
      cause: e,
      details: { params: { path } },
    });
  }
}

/** A text file without secrets (CA bundle, public certificate): UTF-8, or UTF-16 / UTF-8 with BOM. */
export function readBoundedFile(path: string, what: string, flag: string): string {
  return decodeText(readFileOrThrow(path, what, flag).bytes);
}

/** A text file holding a secret (private key, secret): refused unless its owner alone can read it. */
export function readPrivateFile(path: string, what: string, flag: string): string {
  const { bytes, mode } = readFileOrThrow(path, what, flag);
  assertOwnerOnly(path, mode, what, flag);
  return decodeText(bytes);
}

function secretFileError(key: string, path: string, what: string, flag: string, count?: number): XoauthError {
  const label = whatLabel(what);
  return new XoauthError("CONFIG_INVALID", t(key, { what: label, path, flag, count }), {
    fix: [t("config.secret.fix", { what: label, path, file: shellWord(path) })],
    details: { params: { path } },
  });
}

/**
 * The secret in a file: the whole text without surrounding whitespace and blank lines (editors add a trailing
 * newline; Notepad a BOM or UTF-16). More than one non-empty line is refused rather than guessed at.
 */
export function readSecretFile(path: string, what: string, flag: string): string {
  const value = readPrivateFile(path, what, flag).trim();
  if (value.includes("\0")) throw secretFileError("config.secret.nul", path, what, flag);
  if (!value) throw secretFileError("config.secret.empty", path, what, flag);
  const lines = value.split(/\r?\n|\r/).filter((l) => l.trim() !== "");
  if (lines.length > 1) throw secretFileError("config.secret.lines", path, what, flag, lines.length);
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
