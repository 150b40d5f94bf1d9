/**
 * A token request: msal-node ConfidentialClientApplication (client credentials) with our network module, pre-supplied
 * authority metadata (no discovery request) and our typed errors. src/auth/provider.ts imports this module on its first
 * cache miss, so a token served from the cache loads neither msal nor https, tls or the certificate parsing.
 */
import type { ConfidentialClientApplication, Configuration } from "@azure/msal-node";
import { XoauthError } from "../errors.js";
import { markSecret } from "../log/redact.js";
import { mapTokenError, type TokenErrorContext } from "./aadsts.js";
import type { CachedToken } from "./cache.js";
import { parseCertificatePem, parseKeyWithThumbprint } from "./certificate.js";
import { type HttpClientOptions, TokenHttpClient } from "./http-client.js";
import { authorityConfig } from "./metadata.js";
import type { ProviderSettings } from "./types.js";

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

/** One app's and scope's way to the token endpoint: the provider's network module and msal application. */
export interface TokenRequester {
  /** HTTP requests sent so far. */
  readonly requestCount: number;
  /** Requests a new token (never from a cache). */
  request(): Promise<CachedToken>;
}

export function createTokenRequester(
  settings: ProviderSettings,
  opts: Omit<HttpClientOptions, "ca" | "proxy" | "noProxy"> = {},
): TokenRequester {
  const http = new TokenHttpClient({ ...opts, ca: settings.ca, proxy: settings.proxy, noProxy: settings.noProxy });
  const ctx: TokenErrorContext = {
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    scope: settings.scope,
    authorityHost: settings.authorityHost,
    secret: settings.credential.kind === "secret" ? settings.credential.secret : undefined,
  };
  let msal: ConfidentialClientApplication | undefined;
  return {
    get requestCount() {
      return http.requestCount;
    },
    async request(): Promise<CachedToken> {
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
      return { token: result.accessToken, expiresOn: result.expiresOn?.getTime() ?? Date.now() + 3600_000 };
    },
  };
}
