/**
 * Token cache: the provider's own memory (src/auth/provider.ts; no process-wide state) plus, when enabled, one 0600
 * JSON file in the user's cache dir, keyed by a hash of authorityHost + tenant + client + scope + sha256(credential),
 * so a changed (or wrong) credential never gets a token cached for another one. Entries are used until
 * LIMITS.tokenRefreshMarginMs before expiry.
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { LIMITS } from "../limits.js";
import { markSecret } from "../log/redact.js";
import { type CacheDirRefusal, cacheDirRefusal, readCacheFile, writeCacheFile } from "./cache-dir.js";
import type { AppCredential } from "./types.js";

export interface CachedToken {
  token: string;
  /** Epoch ms. */
  expiresOn: number;
}

export interface CacheKeyParts {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  scope: string;
  credential: AppCredential;
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

export function credentialHash(c: AppCredential): string {
  if (c.kind === "secret") return sha256(`secret\0${c.secret}`);
  if (c.kind === "certificate") return sha256(`cert\0${c.pem}\0${c.password ?? ""}`);
  return sha256(`key\0${c.privateKey}\0${c.password ?? ""}\0${c.thumbprint}`);
}

export function cacheKey(p: CacheKeyParts): string {
  return sha256(
    JSON.stringify([
      p.authorityHost.replace(/\/+$/, "").toLowerCase(),
      p.tenantId.toLowerCase(),
      p.clientId.toLowerCase(),
      p.scope,
      credentialHash(p.credential),
    ]),
  );
}

export { cacheDir } from "./cache-dir.js";

export function isFresh(t: CachedToken | undefined, now = Date.now()): t is CachedToken {
  return !!t && t.expiresOn - LIMITS.tokenRefreshMarginMs > now;
}

const MAX_CACHE_FILE_BYTES = 4 * 1024 * 1024;

/**
 * How long a verdict on the cache directory stands in a long-running process (`proxy`, `fetch --every`): a directory
 * made private after `token` or `test` pointed at it is used again without a restart, and one opened up to others is
 * given up, within this time. One stat(2) per check.
 */
export const DIR_RECHECK_MS = 60_000;

/**
 * The on-disk cache. All failures are silent: a broken cache only costs a token request. A directory that is not the
 * user's, or that others can write, is not used at all ({@link refusal} says why, for `token` and `test` to show).
 */
export class DiskTokenCache {
  readonly file: string;
  private refused: CacheDirRefusal | undefined;
  /** When {@link refused} was decided (`now()` ms); undefined: not yet. */
  private checkedAt: number | undefined;

  /** `now` is for tests. */
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = join(dir, "tokens.json");
  }

  /**
   * Why the directory is not used, or undefined (a missing directory is made 0700 on the first write). Checked again
   * after {@link DIR_RECHECK_MS}: a file planted while the directory was open to others is still refused on its own
   * (owner, mode, links: readCacheFile).
   */
  get refusal(): CacheDirRefusal | undefined {
    const t = this.now();
    if (this.checkedAt === undefined || t - this.checkedAt >= DIR_RECHECK_MS) this.recheck(t);
    return this.refused;
  }

  private recheck(t = this.now()): CacheDirRefusal | undefined {
    this.refused = cacheDirRefusal(this.dir);
    this.checkedAt = t;
    return this.refused;
  }

  private readAll(): Record<string, CachedToken> {
    try {
      // Never trust a cache file others could have written or read (nor a symlink, checked and read as one file).
      const bytes = readCacheFile(this.file, MAX_CACHE_FILE_BYTES);
      if (!bytes) return {};
      const data = JSON.parse(bytes.toString("utf8")) as {
        version?: number;
        entries?: Record<string, CachedToken>;
      };
      return data.version === 1 && data.entries && typeof data.entries === "object" ? data.entries : {};
    } catch {
      return {};
    }
  }

  get(key: string): CachedToken | undefined {
    if (this.refusal) return undefined;
    const e = this.readAll()[key];
    if (!e || typeof e.token !== "string" || typeof e.expiresOn !== "number" || !isFresh(e)) return undefined;
    markSecret(e.token);
    return e;
  }

  set(key: string, value: CachedToken): void {
    try {
      // A refused directory exists, so this makes nothing there (a file in its place: EEXIST, caught below).
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // Made just now, or there before: checked before anything is written into it.
      if (this.recheck()) return;
      // Ours and written by no one else: only read bits for group or others to take away.
      if (process.platform !== "win32" && (statSync(this.dir).mode & 0o077) !== 0) chmodSync(this.dir, 0o700);
      const now = Date.now();
      const entries = Object.fromEntries(Object.entries(this.readAll()).filter(([, e]) => e.expiresOn > now));
      entries[key] = value;
      writeCacheFile(this.file, JSON.stringify({ version: 1, entries }));
    } catch {
      // Cache write failures are not fatal.
    }
  }
}
