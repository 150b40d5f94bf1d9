/**
 * Safe local file names for names chosen by a mail sender (attachment filename parameter, RFC 2183 §2.3 — which a
 * hostile sender fills with `../../etc/passwd`, `CON`, bidi overrides or 10 KB of text), and no-overwrite creation.
 */
import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";

export const MAX_NAME_BYTES = 150;
/** A short alphanumeric extension such as ".pdf" or ".tar.gz"'s ".gz"; "._etc_passwd" is not one. */
function extensionOf(name: string): string {
  const m = /\.[\p{L}\p{N}]{1,10}$/u.exec(name);
  return m && m.index > 0 ? m[0] : "";
}

const WINDOWS_RESERVED =
  /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)(\..*)?$/i;

function cutUtf8(s: string, maxBytes: number): string {
  let out = "";
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * One path component, safe on Linux, macOS and Windows: NFC; path separators and Windows-forbidden characters
 * become "_"; control and format characters (bidi overrides, zero-width) are dropped; no leading dots/spaces, no
 * trailing dots/spaces; reserved device names get a "_" prefix; at most MAX_NAME_BYTES UTF-8 bytes, keeping the
 * extension. Empty results become `fallback`.
 */
export function safeFileName(raw: string | undefined | null, fallback = "attachment"): string {
  let name = String(raw ?? "")
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/[/\\<>:"|?*]/g, "_")
    .replace(/^[.\s]+/u, "")
    .replace(/[.\s]+$/u, "");
  if (name === "") name = fallback;
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    const ext = extensionOf(name);
    name = cutUtf8(name.slice(0, name.length - ext.length), MAX_NAME_BYTES - Buffer.byteLength(ext)) + ext;
  }
  return name;
}

/** `name`, `name-1`, `name-2`, ... (suffix before the extension). */
export function suffixed(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extensionOf(name);
  return `${name.slice(0, name.length - ext.length)}-${n}${ext}`;
}

/** Creates `dir/<name>` with O_EXCL (`wx`, mode 0600), adding -1, -2, ... while the name exists. Never overwrites. */
export async function createUnique(dir: string, name: string): Promise<{ fh: FileHandle; path: string }> {
  for (let n = 0; n < 10_000; n++) {
    const path = join(dir, suffixed(name, n));
    try {
      return { fh: await open(path, "wx", 0o600), path };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`No free file name for ${name} in ${dir}`);
}
