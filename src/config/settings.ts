/**
 * Resolves every option of a run: flags > environment > config file > cloud defaults.
 * Env names follow the Azure SDK (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, ...).
 */

import { CLOUDS, type Cloud, type CloudName, defaultScopeFor, TRANSPORTS, type Transport } from "../auth/clouds.js";
import type { CredentialSetting, ProviderSettings } from "../auth/types.js";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import { markSecret } from "../log/redact.js";
import { resolveCredential } from "./credential.js";
import type { AuthFlags } from "./flags.js";
import type { LoadedConfig } from "./load.js";
import { missingValue, type ValueSources } from "./missing.js";
import { configPathToLoad, noConfigFound } from "./paths.js";
import type { AccountConfig, ConfigFile, ServerConfig } from "./schema.js";
import { pemCertificates, readBoundedFile } from "./secrets.js";
import { checkClientId, checkTenantId } from "./tenant.js";

export type { CredentialSetting } from "../auth/types.js";
export type { AuthFlags } from "./flags.js";

/** Everything a command needs, resolved flags > environment > config file; what the token provider needs first. */
export interface Settings extends ProviderSettings {
  credential: CredentialSetting;
  cloud: Cloud;
  json: boolean;
  mailbox: string | undefined;
  /** --protocol or the account's `protocol`; `scope` is the token scope for it (Graph's for graph). */
  protocol: Transport | undefined;
  /** Microsoft Graph API root with version, no trailing slash (--graph-url > XOAUTH_MAIL_GRAPH_URL > graphUrl > cloud). */
  graphUrl: string;
  /** Server overrides from the config account. */
  servers: { pop3?: ServerConfig; imap?: ServerConfig; smtp?: ServerConfig };
  accountName: string | undefined;
  /** The selected account (defaults merged), {} without a config file. */
  account: AccountConfig;
  /** The whole validated config file, for other commands' own sections; undefined without one. */
  config: ConfigFile | undefined;
  configPath: string | undefined;
  /** Warnings already printed (e.g. secret on the command line). */
  warnings: string[];
}

export interface ResolveOptions {
  /** Where warnings go; default stderr. */
  warn?: (message: string) => void;
}

function pick<T>(...values: (T | undefined | null | "")[]): T | undefined {
  for (const v of values) if (v !== undefined && v !== null && v !== "") return v as T;
  return undefined;
}

function required(
  value: string | undefined,
  what: string,
  flag: string,
  envName: string,
  key: string,
  src: ValueSources,
): string {
  if (value) return value.trim();
  throw missingValue(src, "config.missing", { what: t(`config.what.${what}`), flag, env: envName, key });
}

function parseUrl(value: string, what: string): URL {
  try {
    const u = new URL(value);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("not http(s)");
    return u;
  } catch {
    throw new XoauthError("USAGE", `${what} "${value}" is not an http(s) URL.`);
  }
}

/**
 * A Graph API root: https only (the token travels with every request), no credentials, query or fragment; origin and
 * path kept without trailing slashes. A bare origin gets `/v1.0`: Graph serves every API under a version segment
 * (learn.microsoft.com/graph/versioning-and-support), so `https://graph.microsoft.com` alone cannot be meant.
 */
export function parseGraphUrl(value: string, what: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new XoauthError(
      "USAGE",
      `${what} "${value}" is not a URL; give the Graph API root, e.g. https://graph.microsoft.com/v1.0.`,
    );
  }
  if (u.protocol !== "https:") {
    throw new XoauthError(
      "USAGE",
      `${what} "${value}" must be an https:// URL: every Graph request carries the access token.`,
    );
  }
  if (u.username || u.password || u.search || u.hash) {
    throw new XoauthError(
      "USAGE",
      `${what} "${u.origin}${u.pathname}..." must not hold credentials, a query or a fragment.`,
    );
  }
  const path = u.pathname.replace(/\/+$/, "");
  return `${u.origin}${path || "/v1.0"}`;
}

/**
 * The token scope for one transport of this run. An explicit --scope (or the account's `scope`) belongs to the run's
 * own protocol; another audience the same run needs (Graph next to IMAP, or the reverse) gets its cloud default. The
 * token cache is keyed by scope, so each audience has its own cached token.
 */
export function scopeFor(s: Settings, transport: Transport): string {
  const own = (s.protocol === "graph") === (transport === "graph");
  return own ? s.scope : defaultScopeFor(s.cloud, transport);
}

function readCaFile(path: string, flag: string): string[] {
  const certs = pemCertificates(readBoundedFile(path, "CA", flag));
  if (!certs.length) throw new XoauthError("CONFIG_INVALID", `The CA file ${path} (${flag}) holds no PEM certificate.`);
  return certs;
}

export async function resolveSettings(
  flags: AuthFlags,
  env: NodeJS.ProcessEnv = process.env,
  opts: ResolveOptions = {},
): Promise<Settings> {
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
    (opts.warn ?? ((s: string) => process.stderr.write(`warning: ${s}\n`)))(m);
  };

  const configPath = configPathToLoad(flags.config, env);
  let loaded: LoadedConfig | undefined;
  let accountName: string | undefined;
  let account: AccountConfig = {};
  if (configPath) {
    // YAML and the schema (zod) are loaded only when there is a file to read: ~60 + ~100 ms of a run's start-up here.
    const { loadConfigFile, selectAccount } = await import("./load.js");
    loaded = loadConfigFile(configPath);
    ({ name: accountName, account } = selectAccount(loaded, flags.account));
  } else if (flags.account) {
    throw new XoauthError("USAGE", t("config.account.noConfig", { account: flags.account }), noConfigFound(env));
  }
  const sources: ValueSources = { env, loaded, accountName };

  const cloudName = pick(flags.cloud, account.cloud) ?? "global";
  if (!(cloudName in CLOUDS)) {
    throw new XoauthError("USAGE", `--cloud "${cloudName}" is not one of global, usgov, china.`);
  }
  const cloud = CLOUDS[cloudName as CloudName];

  const tenantId = required(
    pick(flags.tenantId, env.AZURE_TENANT_ID, account.tenantId),
    "tenant ID",
    "--tenant-id",
    "AZURE_TENANT_ID",
    "tenantId",
    sources,
  );
  checkTenantId(tenantId);
  const clientId = required(
    pick(flags.clientId, env.AZURE_CLIENT_ID, account.clientId),
    "client ID",
    "--client-id",
    "AZURE_CLIENT_ID",
    "clientId",
    sources,
  );
  checkClientId(clientId);

  const authorityHostRaw = pick(flags.authorityHost, env.AZURE_AUTHORITY_HOST, account.authorityHost);
  const authorityHost = authorityHostRaw
    ? parseUrl(authorityHostRaw, "--authority-host").origin
    : cloud.authorityHost.replace(/\/+$/, "");
  const credential = resolveCredential(flags, env, account, loaded, warn, accountName);

  const ca: string[] = [];
  const caFile = pick(flags.caFile, account.caFile);
  if (caFile) {
    ca.push(...readCaFile(caFile, flags.caFile ? "--ca-file" : "caFile in the config file"));
    // Added to Node's default store, which holds NODE_EXTRA_CA_CERTS (src/net/trust.ts).
  }

  const proxy = pick(flags.proxy, env.HTTPS_PROXY, env.https_proxy, account.proxy);
  if (proxy) {
    parseUrl(proxy, "--proxy");
    markSecret(new URL(proxy).password || undefined);
  }

  const protocol = pick(flags.protocol, account.protocol);
  if (protocol !== undefined && !(TRANSPORTS as readonly string[]).includes(protocol)) {
    throw new XoauthError("USAGE", `--protocol "${protocol}" is not one of ${TRANSPORTS.join(", ")}.`);
  }
  const scope =
    pick(flags.scope, account.scope) ?? defaultScopeFor(cloud, (protocol as Transport | undefined) ?? "pop3");
  const graphUrlFlag = pick(flags.graphUrl, env.XOAUTH_MAIL_GRAPH_URL, account.graphUrl);
  const graphUrl = graphUrlFlag
    ? parseGraphUrl(
        graphUrlFlag,
        flags.graphUrl
          ? "--graph-url"
          : env.XOAUTH_MAIL_GRAPH_URL
            ? "XOAUTH_MAIL_GRAPH_URL"
            : "graphUrl in the config file",
      )
    : cloud.graphUrl;

  return {
    tenantId,
    clientId,
    credential,
    cloud,
    authorityHost,
    scope,
    ca: ca.length ? ca : undefined,
    proxy,
    noProxy: pick(env.NO_PROXY, env.no_proxy),
    noCache: flags.cache === false || flags.noCache === true,
    json: flags.json === true,
    mailbox: pick(flags.mailbox, flags.targetMailbox, account.mailbox),
    protocol: protocol as Transport | undefined,
    graphUrl,
    servers: account.servers ?? {},
    accountName,
    account,
    config: loaded?.raw,
    configPath: loaded?.path,
    warnings,
  };
}
