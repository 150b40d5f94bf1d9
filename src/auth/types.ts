/** An access token as handed to protocol code. The raw token is a secret: never log it. */
export interface AccessToken {
  /** The raw JWT. Secret. */
  readonly token: string;
  /** When the identity platform says it expires. */
  readonly expiresOn: Date;
  /** True when this came from the memory or disk cache without a network request. */
  readonly fromCache: boolean;
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
