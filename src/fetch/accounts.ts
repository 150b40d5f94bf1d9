/**
 * Turning CLI flags + settings into engine options, for one account or every configured account (`--all`).
 * Accounts that share an app registration share ONE token provider: one token request serves them all.
 */
import { join } from "node:path";
import { createTokenProvider } from "../auth/provider.js";
import type { TokenProvider } from "../auth/types.js";
import { configPathToLoad, noConfigFound } from "../config/paths.js";
import { type AuthFlags, resolveSettings, type Settings } from "../config/settings.js";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { ServerTlsMode } from "../net/types.js";
import type { FetchGraphOptions, FetchProtocol, FetchServer } from "./types.js";

export interface ServerFlags {
  host?: string;
  port?: string;
  tls?: ServerTlsMode;
}

export interface PlannedAccount {
  /** Config account name (undefined without a config file). */
  name: string | undefined;
  mailbox: string;
  protocol: FetchProtocol;
  server: FetchServer;
  maildir: string;
  folder: string | undefined;
  provider: TokenProvider;
  /** Graph: API root, CA, proxy (protocol "graph" only). */
  graph?: FetchGraphOptions;
}

type MailFetchProtocol = Exclude<FetchProtocol, "graph">;

const DEFAULT_PORTS: Record<MailFetchProtocol, Record<ServerTlsMode, number>> = {
  pop3: { implicit: 995, starttls: 110 },
  imap: { implicit: 993, starttls: 143 },
};

/** Host/port/TLS: flags > config account `servers.<protocol>` > cloud defaults (995/993 implicit TLS). */
export function resolveServer(s: Settings, protocol: MailFetchProtocol, f: ServerFlags): FetchServer {
  const cfg = s.servers[protocol] ?? {};
  const tls = f.tls ?? cfg.tls ?? "implicit";
  const host = f.host ?? cfg.host ?? (protocol === "pop3" ? s.cloud.pop3Host : s.cloud.imapHost);
  let port = cfg.port ?? DEFAULT_PORTS[protocol][tls];
  if (f.port !== undefined) {
    port = Number(f.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new XoauthError("USAGE", `--port "${f.port}" is not a port number (1-65535).`);
    }
  }
  return { host, port, tls, ...(s.ca ? { ca: s.ca } : {}) };
}

function providerKey(s: Settings): string {
  const cred = s.credential.kind === "secret" ? `secret:${s.credential.secret}` : `cert:${s.credential.path ?? ""}`;
  return JSON.stringify([s.authorityHost, s.tenantId, s.clientId, s.scope, cred, s.noCache]);
}

export interface PlanFlags extends AuthFlags, ServerFlags {
  maildir?: string;
  folder?: string;
  all?: boolean;
}

function planOne(
  s: Settings,
  flags: PlanFlags,
  providers: Map<string, TokenProvider>,
  maildir: string,
): PlannedAccount {
  const protocol = (flags.protocol ?? s.protocol ?? "pop3") as string;
  if (protocol !== "pop3" && protocol !== "imap" && protocol !== "graph") {
    throw new XoauthError("USAGE", `fetch speaks pop3, imap or graph, not "${protocol}".`);
  }
  if (!s.mailbox) {
    throw new XoauthError("USAGE", "The mailbox is missing: set --mailbox ADDR or `mailbox` in the config account.");
  }
  const key = providerKey(s);
  let provider = providers.get(key);
  if (!provider) {
    provider = createTokenProvider(s);
    providers.set(key, provider);
  }
  const folderCfg = typeof s.account.folder === "string" ? s.account.folder : undefined;
  return {
    name: s.accountName,
    mailbox: s.mailbox,
    protocol,
    ...(protocol === "graph" ? graphTarget(s) : { server: resolveServer(s, protocol, flags) }),
    maildir,
    folder: flags.folder ?? folderCfg,
    provider,
  };
}

/**
 * Graph: the API root (`--graph-url` > XOAUTH_MAIL_GRAPH_URL > `graphUrl` > the cloud's, resolved by the settings, as
 * the token scope is), and a `server` naming its host for messages.
 */
function graphTarget(s: Settings): { server: FetchServer; graph: FetchGraphOptions } {
  const baseUrl = s.graphUrl;
  const url = new URL(baseUrl);
  return {
    server: { host: url.hostname, port: Number(url.port || 443), tls: "implicit", ...(s.ca ? { ca: s.ca } : {}) },
    graph: {
      baseUrl,
      ...(s.ca ? { ca: s.ca } : {}),
      ...(s.proxy ? { proxy: s.proxy } : {}),
      ...(s.noProxy ? { noProxy: s.noProxy } : {}),
    },
  };
}

/** One account (the usual case) or, with `--all`, every account of the config file. */
export async function planAccounts(
  flags: PlanFlags,
  opts: { warn?: (message: string) => void } = {},
): Promise<PlannedAccount[]> {
  const providers = new Map<string, TokenProvider>();
  if (!flags.all) {
    const s = await resolveSettings(flags, process.env, opts);
    const maildir = flags.maildir ?? (typeof s.account.maildir === "string" ? s.account.maildir : undefined);
    if (!maildir) throw new XoauthError("USAGE", "--maildir DIR is required (or `maildir` in the config account).");
    return [planOne(s, flags, providers, maildir)];
  }
  // The same config file as every other command: --config, XOAUTH_MAIL_CONFIG, else the default path.
  const path = configPathToLoad(flags.config, process.env);
  if (!path) throw new XoauthError("USAGE", t("config.all.noConfig"), noConfigFound(process.env));
  // The loader (yaml, zod) is imported only here: a fetch without --all loads it only when a config file exists.
  const { loadConfigFile } = await import("../config/load.js");
  const names = Object.keys(loadConfigFile(path).raw.accounts ?? {});
  if (names.length === 0) throw new XoauthError("USAGE", t("config.all.noAccounts", { path }));
  const out: PlannedAccount[] = [];
  for (const name of names) {
    const s = await resolveSettings(
      { ...flags, account: name, mailbox: undefined, targetMailbox: undefined },
      process.env,
      opts,
    );
    const own = typeof s.account.maildir === "string" ? s.account.maildir : undefined;
    const maildir = own ?? (flags.maildir ? join(flags.maildir, name) : undefined);
    if (!maildir) throw new XoauthError("USAGE", `Account "${name}": set \`maildir\` in the config or --maildir ROOT.`);
    out.push(planOne(s, flags, providers, maildir));
  }
  return out;
}
