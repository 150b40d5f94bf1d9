/**
 * The options every command that gets a token shares, as commander hands them over (camelCase); `cache: false` comes
 * from `--no-cache`. Its own module so that settings.ts and credential.ts (which both read it) need not import each
 * other for it.
 */
export interface AuthFlags {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretFile?: string;
  certificate?: string;
  certificatePassword?: string;
  cloud?: string;
  authorityHost?: string;
  scope?: string;
  graphUrl?: string;
  caFile?: string;
  proxy?: string;
  config?: string;
  account?: string;
  cache?: boolean;
  noCache?: boolean;
  json?: boolean;
  mailbox?: string;
  targetMailbox?: string;
  protocol?: string;
  [other: string]: unknown;
}
