/**
 * The token provider: msal-node ConfidentialClientApplication (client credentials) with our network module,
 * pre-supplied authority metadata (no discovery request), our typed errors, and our memory + disk cache.
 */
import type { ConfidentialClientApplication, Configuration } from "@azure/msal-node";
import { XoauthError } from "../errors.js";
import { markSecret } from "../log/redact.js";
import { mapTokenError, type TokenErrorContext } from "./aadsts.js";
import { type CachedToken, cacheDir, cacheKey, DiskTokenCache, isFresh } from "./cache.js";
import { parseCertificatePem, parseKeyWithThumbprint } from "./certificate.js";
import { type HttpClientOptions, TokenHttpClient } from "./http-client.js";
import { authorityConfig } from "./metadata.js";
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
  const cred = s.credential;
  if (cred.kind === "secret") {
    auth.clientSecret = cred.secret;
  } else if (cred.kind === "certificate") {
    const c = parseCertificatePem(cred.pem, cred.password, cred.path);
    auth.clientCertificate = { thumbprintSha256: c.thumbprintSha256, privateKey: c.privateKey, x5c: c.x5c };
  } else {
    auth.clientCertificate = parseKeyWithThumbprint(cred.privateKey, cred.password, cred.thumbprint, cred.path);
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

/**
 * A provider for one app and one scope. Its memory cache, its in-flight request and its msal application are its
 * own: two providers never share a token through process state (share the provider instead: the CLI keeps one per
 * app and audience). The disk cache, when on, is keyed by app, scope and credential.
 */
export function createTokenProvider(settings: ProviderSettings, opts: ProviderOptions = {}): XoauthTokenProvider {
  const http = new TokenHttpClient({ ...opts.http, ca: settings.ca, proxy: settings.proxy, noProxy: settings.noProxy });
  const key = cacheKey(settings);
  const diskDir = opts.diskCacheDir ?? cacheDir(opts.env ?? process.env);
  const disk = diskDir === false ? undefined : new DiskTokenCache(diskDir);
  let memory: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;
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
    memory = tok;
    if (!settings.noCache) disk?.set(key, tok);
    return tok;
  }

  return {
    get requestCount() {
      return http.requestCount;
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
      return { token: tok.token, expiresOn: new Date(tok.expiresOn), fromCache: false };
    },
  };
}
