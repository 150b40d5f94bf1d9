/**
 * `createTokenProvider(options)`: app-only access tokens for Exchange Online (POP3, IMAP, SMTP share one audience)
 * and Microsoft Graph. Each provider has its own caches (one token per audience, one request in flight per audience,
 * its own msal application); nothing is shared between providers through module state. The disk cache is opt-in.
 */
import { defaultScopeFor, type Transport } from "../auth/clouds.js";
import { decodeJwt } from "../auth/jwt.js";
import { createTokenProvider as createScopedProvider, type XoauthTokenProvider } from "../auth/provider.js";
import type { TokenProvider } from "../auth/types.js";
import type { ClaimsJson } from "../diagnose/test-run.js";
import { XoauthError } from "../errors.js";
import { rethrowExplained } from "./explain.js";
import {
  type AuthOptions,
  AuthOptionsSchema,
  authShape,
  type ResolvedAuth,
  resolveAuth,
  toProviderSettings,
  validate,
} from "./options.js";

/** What a token is for: the three Exchange protocols share one audience, Graph has its own. */
export type TokenProtocol = Transport;

/** A summary of the token's claims (decoded, not validated: the server decides). */
export type TokenClaimsSummary = ClaimsJson;

export interface MailToken {
  /** The raw JWT: a secret, never log it. */
  token: string;
  expiresOn: Date;
  /** True when it came from this provider's cache (or the disk cache) without a request. */
  fromCache: boolean;
  claims: TokenClaimsSummary;
}

export interface GetTokenOptions {
  /** Ask the token endpoint even when a cached token is still fresh. */
  forceRefresh?: boolean;
}

export interface MailTokenProvider {
  /** An access token for the protocol's audience, from the cache while it is fresh. */
  getToken(protocol: TokenProtocol, opts?: GetTokenOptions): Promise<MailToken>;
  /** The provider for one protocol, as the protocol clients take it (`token` / `tokenProvider`). */
  forProtocol(protocol: TokenProtocol): TokenProvider;
  /** HTTP requests this provider sent to the token endpoint (retries included). */
  readonly requestCount: number;
}

interface ProviderState {
  options: AuthOptions;
  auth: ResolvedAuth;
}

/** What the other API functions need from a provider made here (the options it was made with). */
const STATE = new WeakMap<object, ProviderState>();

export function providerState(p: unknown): ProviderState | undefined {
  return p !== null && typeof p === "object" ? STATE.get(p) : undefined;
}

/** Builds a provider from already validated options. */
export function buildTokenProvider(options: AuthOptions): MailTokenProvider {
  const auth = resolveAuth(options);
  const byScope = new Map<string, XoauthTokenProvider>();
  const scoped = (protocol: TokenProtocol): XoauthTokenProvider => {
    if (!["pop3", "imap", "smtp", "graph"].includes(protocol)) {
      throw new XoauthError("USAGE", `protocol: must be one of pop3, imap, smtp, graph (not ${String(protocol)})`);
    }
    const scope = defaultScopeFor(auth.cloud, protocol);
    let p = byScope.get(scope);
    if (!p) {
      const dir = options.cache ? options.cache.dir : false;
      p = createScopedProvider(toProviderSettings(options, auth, scope), { diskCacheDir: dir });
      byScope.set(scope, p);
    }
    return p;
  };
  const provider: MailTokenProvider = {
    async getToken(protocol, opts = {}) {
      const t = await scoped(protocol)
        .getToken(opts.forceRefresh ? { forceRefresh: true } : {})
        .catch(rethrowExplained);
      const { claimsJson } = await import("../diagnose/test-run.js"); // not on `import "xoauth-mail"`: see src/index.ts
      return {
        token: t.token,
        expiresOn: t.expiresOn,
        fromCache: t.fromCache,
        claims: claimsJson(decodeJwt(t.token).claims) as ClaimsJson,
      };
    },
    forProtocol(protocol) {
      const p = scoped(protocol);
      return { getToken: (o) => p.getToken(o).catch(rethrowExplained) };
    },
    get requestCount() {
      let n = 0;
      for (const p of byScope.values()) n += p.requestCount;
      return n;
    },
  };
  STATE.set(provider, { options, auth });
  return provider;
}

/**
 * A token provider for one app registration. Options are validated here: a wrong field throws an XoauthError with
 * code USAGE naming it; nothing is requested until `getToken`.
 */
export function createTokenProvider(options: AuthOptions): MailTokenProvider {
  return buildTokenProvider(validate(AuthOptionsSchema, options) as AuthOptions);
}

/** The auth part of an operation's options, all optional (an operation takes them or `tokenProvider`). */
export const optionalAuthShape = Object.fromEntries(Object.entries(authShape).map(([k, v]) => [k, v.optional()])) as {
  [K in keyof typeof authShape]: ReturnType<(typeof authShape)[K]["optional"]>;
};
