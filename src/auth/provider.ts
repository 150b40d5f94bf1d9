/**
 * The token provider: msal-node ConfidentialClientApplication (client credentials) with our network module,
 * pre-supplied authority metadata (no discovery request), our typed errors, and our memory + disk cache.
 */
import type { ConfidentialClientApplication, Configuration } from "@azure/msal-node";
import { XoauthError } from "../errors.js";
import { markSecret } from "../log/redact.js";
import { mapTokenError, type TokenErrorContext } from "./aadsts.js";
import { type CachedToken, cacheDir, cacheKey, DiskTokenCache, inFlight, isFresh, memoryCache } from "./cache.js";
import { parseCertificatePem } from "./certificate.js";
import { type HttpClientOptions, TokenHttpClient } from "./http-client.js";
import { authorityConfig } from "./metadata.js";
import type { AccessToken, ProviderSettings, TokenProvider } from "./types.js";

export type { ProviderSettings } from "./types.js";

export interface ProviderOptions {
  /** Environment for the cache dir (XOAUTH_MAIL_CACHE_DIR, XDG_CACHE_HOME, HOME). */
  env?: NodeJS.ProcessEnv;
  /** Network tuning for tests (timeouts, retry sleep). */
  http?: Omit<HttpClientOptions, "ca" | "proxy" | "noProxy">;
}

export interface XoauthTokenProvider extends TokenProvider {
  /** HTTP requests this provider sent (for tests and `--verbose`). */
  readonly requestCount: number;
}

/** msal-node is loaded only when a token must be requested (cache hits and other commands never load it). */
async function buildMsal(s: ProviderSettings, http: TokenHttpClient): Promise<ConfidentialClientApplication> {
  const { ConfidentialClientApplication, LogLevel } = await import("@azure/msal-node");
  const a = authorityConfig(s.authorityHost, s.tenantId);
  const auth: Configuration["auth"] = {
    clientId: s.clientId,
    authority: a.authority,
    knownAuthorities: a.knownAuthorities,
    authorityMetadata: a.authorityMetadata,
    cloudDiscoveryMetadata: a.cloudDiscoveryMetadata,
  };
  if (s.credential.kind === "secret") {
    auth.clientSecret = s.credential.secret;
  } else {
    const c = parseCertificatePem(s.credential.pem, s.credential.password, s.credential.path);
    auth.clientCertificate = { thumbprintSha256: c.thumbprintSha256, privateKey: c.privateKey, x5c: c.x5c };
  }
  return new ConfidentialClientApplication({
    auth,
    system: {
      networkClient: http,
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
    },
  });
}

/** Turns whatever msal threw into our typed error, preferring what our network module saw. */
function mapFailure(e: unknown, http: TokenHttpClient, ctx: TokenErrorContext): XoauthError {
  if (http.lastError) return http.lastError;
  if (e instanceof XoauthError) return e;
  const r = http.lastResponse;
  if (r && (r.status >= 400 || (r.json && "error" in r.json))) return mapTokenError(r.status, r.json, ctx);
  if (r && r.status === 200 && !r.json) {
    return new XoauthError("TOKEN_ENDPOINT_ERROR", "The token endpoint answered HTTP 200 without a JSON body.", {
      cause: e,
      details: { httpStatus: 200 },
    });
  }
  const ae = e as { errorCode?: unknown; errorMessage?: unknown } | undefined; // msal AuthError, without loading msal
  const what =
    typeof ae?.errorCode === "string"
      ? `${ae.errorCode}: ${String(ae.errorMessage)}`
      : String((e as Error)?.message ?? e);
  return new XoauthError(r ? "TOKEN_ENDPOINT_ERROR" : "UNEXPECTED", `Token request failed (msal ${what}).`, {
    cause: e,
  });
}

export function createTokenProvider(settings: ProviderSettings, opts: ProviderOptions = {}): XoauthTokenProvider {
  const http = new TokenHttpClient({ ...opts.http, ca: settings.ca, proxy: settings.proxy, noProxy: settings.noProxy });
  const key = cacheKey(settings);
  const disk = new DiskTokenCache(cacheDir(opts.env ?? process.env));
  const ctx: TokenErrorContext = {
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    scope: settings.scope,
    authorityHost: settings.authorityHost,
    secret: settings.credential.kind === "secret" ? settings.credential.secret : undefined,
  };
  let msal: ConfidentialClientApplication | undefined;

  async function request(): Promise<CachedToken> {
    msal ??= await buildMsal(settings, http);
    http.resetSideChannel();
    let result: Awaited<ReturnType<ConfidentialClientApplication["acquireTokenByClientCredential"]>>;
    try {
      result = await msal.acquireTokenByClientCredential({ scopes: [settings.scope], skipCache: true });
    } catch (e) {
      throw mapFailure(e, http, ctx);
    }
    const last = http.lastResponse;
    if (last && last.status !== 200) throw mapFailure(undefined, http, ctx);
    if (!result?.accessToken) {
      throw new XoauthError("TOKEN_ENDPOINT_ERROR", "The token endpoint answered without an access token.");
    }
    markSecret(result.accessToken);
    const expiresOn = result.expiresOn?.getTime() ?? Date.now() + 3600_000;
    const tok = { token: result.accessToken, expiresOn };
    memoryCache.set(key, tok);
    if (!settings.noCache) disk.set(key, tok);
    return tok;
  }

  return {
    get requestCount() {
      return http.requestCount;
    },
    async getToken(o = {}): Promise<AccessToken> {
      if (!o.forceRefresh && !settings.noCache) {
        const mem = memoryCache.get(key);
        if (isFresh(mem)) return { token: mem.token, expiresOn: new Date(mem.expiresOn), fromCache: true };
        const d = disk.get(key);
        if (d) {
          memoryCache.set(key, d);
          return { token: d.token, expiresOn: new Date(d.expiresOn), fromCache: true };
        }
      }
      let p = inFlight.get(key);
      if (!p) {
        p = request().finally(() => inFlight.delete(key));
        inFlight.set(key, p);
      }
      const tok = await p;
      return { token: tok.token, expiresOn: new Date(tok.expiresOn), fromCache: false };
    },
  };
}
