/**
 * `xoauth-mail proxy`: legacy clients log in with a local password; the proxy logs in upstream with XOAUTH2.
 * Policy (config, files, signals, logging) lives here; the mechanism lives in src/proxy.
 */
import { statSync } from "node:fs";
import { cacheKey } from "../../auth/cache.js";
import { createTokenProvider } from "../../auth/provider.js";
import type { TokenProvider } from "../../auth/types.js";
import { loadConfigFile } from "../../config/load.js";
import { configPathToLoad, defaultConfigPath } from "../../config/paths.js";
import { groupOrOthersCanRead, hasPosixModes, modeText, shellWord } from "../../config/privacy.js";
import { pemCertificates, readBoundedFile } from "../../config/secrets.js";
import { resolveSettings, scopeFor } from "../../config/settings.js";
import { XoauthError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { LIMITS } from "../../limits.js";
import { loadListenerTls, parseProxySection, resolveListeners } from "../../proxy/config.js";
import { createProxyLogger, type LogFormat, type ProxyLogger } from "../../proxy/log.js";
import { hashPassword } from "../../proxy/password.js";
import { type LocalUser, startProxy } from "../../proxy/server.js";
import type { UpstreamAccount } from "../../proxy/types.js";
import { createUpstreamLogin } from "../../proxy/upstream/index.js";
import type { RunContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { processOut, writeSecretPayload } from "../output.js";

/** After `stopped`, how long the process may take to end on its own before it exits anyway. */
const EXIT_GRACE_MS = 1000;

export interface ProxyFlags {
  config?: string;
  logFormat?: LogFormat;
  caFile?: string;
  drainSeconds?: string;
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of process.stdin) {
      size += (c as Buffer).length;
      if (size > 4096) throw new XoauthError("USAGE", "The password on stdin is longer than 4096 bytes.");
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  }
  const { password } = await import("@inquirer/prompts");
  const a = await password({ message: t("proxy.prompt.password") });
  const b = await password({ message: t("proxy.prompt.repeat") });
  if (a !== b) throw new XoauthError("USAGE", t("proxy.password.mismatch"));
  return a;
}

/**
 * The proxy's config holds the local password hashes: scrypt slows guessing, but a copy lets anyone try offline.
 * A config other users can read is a warning, not a refusal (hashes are not secrets that open a mailbox themselves;
 * inline client secrets are refused by loadConfigFile as for every command).
 */
function warnIfReadable(path: string, logger: ProxyLogger): void {
  if (!hasPosixModes()) return;
  const mode = statSync(path).mode;
  if (!groupOrOthersCanRead(mode)) return;
  logger({
    level: "warn",
    event: "config",
    message: t("proxy.config.readable", { path, mode: modeText(mode), file: shellWord(path) }),
  });
}

async function runProxy(flags: ProxyFlags): Promise<void> {
  // The config file every command reads: --config, else XOAUTH_MAIL_CONFIG, else the default path if it exists.
  const config = configPathToLoad(flags.config, process.env);
  if (!config) throw new XoauthError("USAGE", t("proxy.config.missing", { path: defaultConfigPath(process.env) }));
  const drainMs = parseDuration(flags.drainSeconds ?? "30", {
    flag: "--drain-seconds",
    bareUnit: "s",
    allowZero: true,
    maxMs: LIMITS.maxUserTimeoutMs,
  });
  const cfg = loadConfigFile(config);
  const logger = createProxyLogger(flags.logFormat ?? "text", (line) => processOut.stderr(line));
  warnIfReadable(config, logger);
  const section = parseProxySection((cfg.raw as Record<string, unknown>).proxy);
  const accountNames = new Set(Object.keys(cfg.raw.accounts ?? {}));
  const listeners = resolveListeners(section, accountNames);
  const ca: string[] = [];
  if (flags.caFile) ca.push(...pemCertificates(readBoundedFile(flags.caFile, "CA", "--ca-file")));
  const accounts = new Map<string, UpstreamAccount>();
  const needGraph = listeners.some((l) => l.upstream.graph);
  // Accounts with the same app (authority, tenant, client, scope, credential) share one provider, so one token.
  const providers = new Map<string, TokenProvider>();
  for (const name of new Set(section.users.map((u) => u.account))) {
    const s = await resolveSettings({
      config,
      account: name,
      ...(flags.caFile ? { caFile: flags.caFile } : {}),
    });
    if (!s.mailbox) throw new XoauthError("CONFIG_INVALID", t("proxy.account.noMailbox", { account: name }));
    const key = cacheKey(s);
    const tokens = providers.get(key) ?? createTokenProvider(s);
    providers.set(key, tokens);
    const account: UpstreamAccount = { name, mailbox: s.mailbox, tokens };
    if (needGraph) {
      // `upstream: graph` listeners: Graph's API root and scope as `send --protocol graph` has them.
      const g = { ...s, scope: scopeFor(s, "graph") };
      const gkey = cacheKey(g);
      const gtokens = providers.get(gkey) ?? createTokenProvider(g);
      providers.set(gkey, gtokens);
      account.graph = { url: s.graphUrl, tokens: gtokens };
    }
    accounts.set(name, account);
    for (const c of s.ca ?? []) if (!ca.includes(c)) ca.push(c);
  }
  const users: LocalUser[] = section.users.map((u) => ({
    username: u.username,
    passwordHash: u.passwordHash,
    account: { ...(accounts.get(u.account) as UpstreamAccount), ...(u.sendAs ? { sendAs: u.sendAs } : {}) },
  }));
  const tls = loadListenerTls(listeners);
  const server = await startProxy({
    listeners,
    users,
    upstream: createUpstreamLogin(ca.length ? { ca } : {}),
    logger,
    tls,
    authFailureDelayMs: section.authFailureDelayMs,
  });
  await new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      // close() stops the listeners synchronously; only then say so (a client reading the log may connect at once).
      const closing = server.close(drainMs);
      logger({
        level: "info",
        event: "stopping",
        message: t("proxy.stopping", { signal: sig, seconds: drainMs / 1000 }),
      });
      void closing.then(() => {
        logger({ level: "info", event: "stopped" });
        // Every session and socket is closed now; a token request that a cancelled login left in flight (it has
        // its own timeout and retries) must not keep the process alive after the drain window.
        setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_GRACE_MS).unref();
        resolve();
      });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}

/** The action of `proxy`: runs the proxy until it is stopped. */
export async function proxyAction(flags: ProxyFlags, ctx: RunContext): Promise<void> {
  await runProxy(flags);
  ctx.exitCode = 0;
}

/** The action of `proxy hash-password`: reads a password and prints its scrypt hash. */
export async function hashPasswordAction(): Promise<void> {
  const pw = await readPassword();
  if (pw.length < 8) throw new XoauthError("USAGE", t("proxy.password.short"));
  // The hash is the payload asked for (random base64, which the redaction of processOut would hide).
  writeSecretPayload(`${await hashPassword(pw)}\n`);
}
