/**
 * The token provider: our memory + disk cache in front of a token request (src/auth/request.ts: msal-node over our
 * network module), which is loaded on the first cache miss.
 */
import { type CachedToken, cacheDir, cacheKey, DiskTokenCache, isFresh } from "./cache.js";
import type { HttpClientOptions } from "./http-client.js";
import type { TokenRequester } from "./request.js";
import type { AccessToken, ProviderSettings, TokenProvider } from "./types.js";

export type { ProviderSettings } from "./types.js";

export interface ProviderOptions {
  /** Environment for the cache dir (XOAUTH_MAIL_CACHE_DIR, XDG_CACHE_HOME, HOME). */
  env?: NodeJS.ProcessEnv;
  /** The disk cache's directory, or false for none (memory only); default cacheDir(env), as the CLI has it. */
  diskCacheDir?: string | false;
  /** Network tuning for tests (timeouts, retry sleep). */
  http?: Omit<HttpClientOptions, "ca" | "proxy" | "noProxy">;
}

export interface XoauthTokenProvider extends TokenProvider {
  /** HTTP requests this provider sent (for tests and `--verbose`). */
  readonly requestCount: number;
}

/**
 * A provider for one app and one scope. Its memory cache, its in-flight request and its msal application are its
 * own: two providers never share a token through process state (share the provider instead: the CLI keeps one per
 * app and audience). The disk cache, when on, is keyed by app, scope and credential.
 */
export function createTokenProvider(settings: ProviderSettings, opts: ProviderOptions = {}): XoauthTokenProvider {
  const key = cacheKey(settings);
  const diskDir = opts.diskCacheDir ?? cacheDir(opts.env ?? process.env);
  const disk = diskDir === false ? undefined : new DiskTokenCache(diskDir);
  let memory: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;
  let requester: TokenRequester | undefined;

  async function request(): Promise<CachedToken> {
    requester ??= (await import("./request.js")).createTokenRequester(settings, opts.http);
    const tok = await requester.request();
    memory = tok;
    if (!settings.noCache) disk?.set(key, tok);
    return tok;
  }

  return {
    get requestCount() {
      return requester?.requestCount ?? 0;
    },
    async getToken(o = {}): Promise<AccessToken> {
      if (!o.forceRefresh && !settings.noCache) {
        const mem = memory;
        if (isFresh(mem)) return { token: mem.token, expiresOn: new Date(mem.expiresOn), fromCache: true };
        const d = disk?.get(key);
        if (d) {
          memory = d;
          return { token: d.token, expiresOn: new Date(d.expiresOn), fromCache: true };
        }
      }
      inFlight ??= request().finally(() => {
        inFlight = undefined;
      });
      const tok = await inFlight;
      const refused = settings.noCache ? undefined : disk?.refusal;
      return {
        token: tok.token,
        expiresOn: new Date(tok.expiresOn),
        fromCache: false,
        ...(refused ? { cacheRefused: refused } : {}),
      };
    },
  };
}
