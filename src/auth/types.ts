import type { CacheDirRefusal } from "./cache-dir.js";

/** An access token as handed to protocol code. The raw token is a secret: never log it. */
export interface AccessToken {
  /** The raw JWT. Secret. */
  readonly token: string;
  /** When the identity platform says it expires. */
  readonly expiresOn: Date;
  /** True when this came from the memory or disk cache without a network request. */
  readonly fromCache: boolean;
  /** Requested because the disk cache's directory is refused (not the user's, or others can write it): why. */
  readonly cacheRefused?: CacheDirRefusal;
}

/** Credentials are async providers, called at each (re)authentication (STYLE.md point 6). */
export interface TokenProvider {
  getToken(opts?: { forceRefresh?: boolean }): Promise<AccessToken>;
}

/** Decoded claims of an Exchange app-only (v1) access token. Decode only, never validate client-side. */
export interface TokenClaims {
  aud?: string;
  iss?: string;
  tid?: string;
  appid?: string;
  appidacr?: string;
  idtyp?: string;
  oid?: string;
  sub?: string;
  roles?: string[];
  iat?: number;
  nbf?: number;
  exp?: number;
  [claim: string]: unknown;
}

/** Where a client secret came from (for messages and `token --json`; never the secret itself). */
export type SecretSource = "flag" | "flag-file" | "env" | "config-env" | "config-file" | "config-inline";

/** The app's credential, as src/config resolves it (flags > environment > config file). The secret is secret. */
export type CredentialSetting =
  | { kind: "secret"; secret: string; source: SecretSource }
  | { kind: "certificate"; pem: string; password?: string; path: string; source: "flag" | "env" | "config" };

/**
 * The app's credential as the token provider needs it (a CredentialSetting is one; the library API builds one
 * without a `source`). `certificate-key`: a private key and the certificate's thumbprint, without the certificate
 * itself (hex SHA-256, or hex SHA-1 for the `x5t` header). Secret parts are secret.
 */
export type AppCredential = (
  | { kind: "secret"; secret: string }
  | { kind: "certificate"; pem: string; password?: string | undefined; path: string }
  | { kind: "certificate-key"; privateKey: string; password?: string | undefined; thumbprint: string; path: string }
) & {
  /** Where it came from (the CLI's settings say; unused by the provider). */
  source?: string;
};

/** What the token provider needs; src/config's resolved Settings is one. */
export interface ProviderSettings {
  tenantId: string;
  clientId: string;
  credential: AppCredential;
  /** Without trailing slash, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  scope: string;
  /** Extra CA PEMs trusted in addition to the system roots (--ca-file, NODE_EXTRA_CA_CERTS); undefined = none. */
  ca: string[] | undefined;
  /** HTTPS proxy URL for the token endpoint, and the NO_PROXY list. */
  proxy: string | undefined;
  noProxy: string | undefined;
  noCache: boolean;
}
