/**
 * Local file-system failures as STORE_ERROR (exit 6): what failed (the path and the OS error), why (by errno), and
 * the exact next step (free space, the chmod / chown that fixes it, another --maildir). Every store operation wraps
 * its own failures through {@link storeError}; {@link asStoreError} is the safety net for an fs error that escaped.
 */
import { userInfo } from "node:os";
import { dirname } from "node:path";
import { toXoauthError, XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";

/** errno codes of the local file system that are the environment's doing (disk, permissions, mounts), not a bug. */
export const FS_ERROR_CODES: ReadonlySet<string> = new Set([
  "ENOSPC",
  "EDQUOT",
  "EACCES",
  "EPERM",
  "EROFS",
  "EMFILE",
  "ENFILE",
  "ENOTDIR",
  "EISDIR",
  "ENOENT",
  "EIO",
  "ENAMETOOLONG",
  "ELOOP",
  "EBUSY",
  "EEXIST",
  "EXDEV",
]);

/** Codes that share one explanation. */
const GROUP: Record<string, string> = { EPERM: "EACCES", ENFILE: "EMFILE" };

/** System calls that create, rename or remove a name: the directory holding it must be writable. */
const NAMES_IN_DIR = new Set(["mkdir", "open", "rename", "link", "unlink", "rmdir", "symlink", "copyfile"]);

export interface FsError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

/** System calls on an open file: their errors carry no path. */
const FD_SYSCALLS = new Set(["write", "writev", "read", "fsync", "fdatasync", "close", "ftruncate", "fstat", "fchmod"]);

/** A Node fs error with one of {@link FS_ERROR_CODES}: it names a path, or failed on an open file. */
export function isFsError(err: unknown): err is FsError {
  const e = err as Partial<FsError> | null;
  if (!e || typeof e !== "object" || typeof e.code !== "string" || !FS_ERROR_CODES.has(e.code)) return false;
  return typeof e.path === "string" || (typeof e.syscall === "string" && FD_SYSCALLS.has(e.syscall));
}

/** The innermost fs error in `err` and its causes (a stream or a wrapper may carry it). */
function findFsError(err: unknown): FsError | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === "object"; i++) {
    if (isFsError(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** "no space left on device" from "ENOSPC: no space left on device, write '/x'". */
function osText(e: FsError): string {
  const m = /^[A-Z]+: ([^,]+)/.exec(e.message);
  return m?.[1] ?? e.message;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? "");
  }
}

/** Why and what to do, filled with the path that failed and the directory to fix. */
function explain(e: FsError, fallbackPath: string | undefined): { why: string; fix: string[] } {
  const path = e.path ?? fallbackPath ?? ".";
  const dir = e.syscall && NAMES_IN_DIR.has(e.syscall) ? dirname(path) : path;
  const params = { path, dir, user: currentUser(), code: e.code };
  const group = GROUP[e.code] ?? e.code;
  const text = (kind: "why" | "fix"): string | undefined => {
    const key = `store.${kind}.${group}`;
    const s = t(key, params);
    return s === key ? undefined : s;
  };
  return {
    why: text("why") ?? t("store.why.other", params),
    fix: [...(text("fix")?.split("\n") ?? []), t("store.fix.serverUntouched")],
  };
}

/**
 * A STORE_ERROR. When `cause` (or its cause) is an fs error, the message gains the OS error and its code, and the
 * error says why and how to fix it; the message should name what was being done and on which path.
 */
export function storeError(
  message: string,
  cause?: unknown,
  params?: Record<string, string | number | undefined>,
): XoauthError {
  const fsErr = findFsError(cause);
  if (!fsErr) return new XoauthError("STORE_ERROR", message, { cause, details: params ? { params } : {} });
  const path = typeof params?.path === "string" ? params.path : fsErr.path;
  // Node's "ENOTDIR: not a directory, mkdir '/x'" repeats the path: "not a directory (ENOTDIR)" after ours
  const os = `${osText(fsErr)} (${fsErr.code})`;
  const said = message.includes(fsErr.message)
    ? message.replace(fsErr.message, os)
    : message.includes(fsErr.code)
      ? message
      : `${message.replace(/[.:]\s*$/, "")}: ${os}`;
  const { why, fix } = explain(fsErr, path);
  return new XoauthError("STORE_ERROR", said, {
    cause,
    why,
    fix,
    details: { params: { ...params, ...(path ? { path } : {}), errno: fsErr.code } },
  });
}

/**
 * The safety net: an fs error that escaped its store operation becomes STORE_ERROR instead of UNEXPECTED ("a bug"),
 * and a STORE_ERROR made elsewhere without the why and fix gets them. Anything else: undefined.
 */
export function asStoreError(err: unknown): XoauthError | undefined {
  if (err instanceof XoauthError) {
    if (err.code === "UNEXPECTED") return asStoreError(err.cause);
    if (err.code !== "STORE_ERROR" || err.why !== undefined || !findFsError(err.cause)) return undefined;
    return storeError(err.message, err.cause, err.details.params);
  }
  const e = findFsError(err);
  if (!e) return undefined;
  const target = e.dest ? `${e.path} -> ${e.dest}` : e.path;
  return storeError(t("store.failed", { syscall: e.syscall ?? "access", path: target ?? "?" }), err, {
    ...(e.path ? { path: e.path } : {}),
  });
}

/** Any thrown value as a typed error: local file-system failures as STORE_ERROR (exit 6), never UNEXPECTED. */
export function toTypedError(err: unknown): XoauthError {
  return asStoreError(err) ?? toXoauthError(err);
}
