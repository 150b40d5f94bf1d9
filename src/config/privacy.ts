/**
 * Who may read a file that holds a secret. POSIX (Linux, macOS, IBM i PASE): the owner alone, i.e. no read bit for
 * group or others. The mode is that of the file a symlink points to (fstat of the opened file). Windows has no
 * POSIX modes (Node reports 0666 or 0444 whatever the ACL says), so there a secret file is not checked and
 * an inline secret in the config file is refused, since its privacy cannot be shown.
 */
import type { CacheDirRefusal } from "../auth/cache-dir.js";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";

const GROUP_OR_OTHERS_READ = 0o044;

/** True when the platform has meaningful POSIX file modes. */
export function hasPosixModes(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== "win32";
}

/** True when group or others may read a file of this mode. */
export function groupOrOthersCanRead(mode: number): boolean {
  return (mode & GROUP_OR_OTHERS_READ) !== 0;
}

/** `0644` for a st_mode. */
export function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/** A path as one shell word, so the `chmod` in a fix can be pasted as it is. */
export function shellWord(path: string): string {
  return /^[A-Za-z0-9_/.,:@%+=-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

/** The translated label of a file kind (`client secret`, `certificate`, ...), or the label itself. */
export function whatLabel(what: string): string {
  const key = `config.what.${what}`;
  const s = t(key);
  return s === key ? what : s;
}

/** Throws CONFIG_INVALID when a file holding a secret (`what`) may be read by group or others. */
export function assertOwnerOnly(
  path: string,
  mode: number,
  what: string,
  flag: string,
  platform: NodeJS.Platform = process.platform,
): void {
  if (!hasPosixModes(platform) || !groupOrOthersCanRead(mode)) return;
  throw new XoauthError(
    "CONFIG_INVALID",
    t("config.private.message", { what: whatLabel(what), path, flag, mode: modeText(mode) }),
    {
      why: t("config.private.why"),
      fix: [t("config.private.fix", { file: shellWord(path) })],
      details: { params: { path } },
    },
  );
}

/**
 * Throws CONFIG_INVALID when the config file holds inline secrets (`inline`: where, e.g. `accounts.shop.clientSecret`)
 * and may be read by group or others, or when its privacy cannot be checked (Windows).
 */
export function assertInlineSecretsPrivate(
  path: string,
  mode: number,
  inline: readonly string[],
  platform: NodeJS.Platform = process.platform,
): void {
  if (inline.length === 0) return;
  const keys = inline.join(", ");
  const posix = hasPosixModes(platform);
  if (posix && !groupOrOthersCanRead(mode)) return;
  throw new XoauthError(
    "CONFIG_INVALID",
    posix
      ? t("config.inline.message", { path, keys, mode: modeText(mode) })
      : t("config.inline.windows", { path, keys }),
    {
      why: t("config.private.why"),
      fix: [posix ? t("config.inline.fix", { file: shellWord(path) }) : t("config.inline.windows.fix")],
      details: { params: { path } },
    },
  );
}

/** Why a token was requested although the disk cache is on: its directory is refused (src/auth/cache-dir.ts), and the fix. */
export function cacheRefusedText(r: CacheDirRefusal): string {
  return t(`token.cacheRefused.${r.problem}`, { dir: shellWord(r.dir), mode: modeText(r.mode) });
}
