import { CLOUDS, type CloudName, type Transport } from "../../auth/clouds.js";
import { pemCertificates, readBoundedFile, readSecretFile } from "../../config/secrets.js";
import { parseGraphUrl } from "../../config/settings.js";
import { toXoauthError, XoauthError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { inquirerAsker, isPromptAbort } from "../../init/asker.js";
import { accountNameProblem, defaultConfigPath } from "../../init/config-file.js";
import { type InitGiven, runInit } from "../../init/run.js";
import type { InitConnection, InitCredential } from "../../init/types.js";
import { markSecret } from "../../log/redact.js";
import type { ServerTlsMode } from "../../net/types.js";
import type { RunContext } from "../context.js";
import { formatError, processOut } from "../output.js";

export interface InitFlags {
  tenantId?: string;
  clientId?: string;
  clientSecretFile?: string;
  certificate?: string;
  certificatePassword?: string;
  mailbox?: string;
  protocol?: Transport;
  graphUrl?: string;
  cloud?: CloudName;
  authorityHost?: string;
  caFile?: string;
  proxy?: string;
  host?: string;
  port?: string;
  tls?: ServerTlsMode;
  config?: string;
  account: string;
  yes?: boolean;
  nonInteractive?: boolean;
  skipTest?: boolean;
}

function credentialOf(f: InitFlags, env: NodeJS.ProcessEnv): InitCredential | undefined {
  if (f.clientSecretFile && f.certificate) {
    throw new XoauthError("USAGE", "Give only one credential: --client-secret-file or --certificate.");
  }
  if (f.clientSecretFile) {
    return { kind: "secret", secret: readSecretFile(f.clientSecretFile, "client secret", "--client-secret-file") };
  }
  if (f.certificate) {
    markSecret(f.certificatePassword);
    return { kind: "certificate", path: f.certificate, password: f.certificatePassword };
  }
  if (env.AZURE_CLIENT_SECRET) {
    markSecret(env.AZURE_CLIENT_SECRET);
    return { kind: "secret", secret: env.AZURE_CLIENT_SECRET };
  }
  return undefined;
}

function connectionOf(f: InitFlags, env: NodeJS.ProcessEnv): InitConnection {
  const cloud = CLOUDS[f.cloud ?? "global"];
  let override: string | undefined;
  if (f.authorityHost) {
    try {
      override = new URL(f.authorityHost).origin;
    } catch {
      throw new XoauthError("USAGE", `--authority-host "${f.authorityHost}" is not an https URL.`);
    }
  }
  let ca: string[] | undefined;
  if (f.caFile) {
    ca = pemCertificates(readBoundedFile(f.caFile, "CA", "--ca-file"));
    if (!ca.length)
      throw new XoauthError("CONFIG_INVALID", `The CA file ${f.caFile} (--ca-file) holds no certificate.`);
  }
  const graphUrl = f.graphUrl === undefined ? undefined : parseGraphUrl(f.graphUrl, "--graph-url");
  const port = f.port === undefined ? undefined : Number(f.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new XoauthError("USAGE", `--port "${f.port}" is not a port number (1-65535).`);
  }
  return {
    cloud: cloud.name,
    authorityHost: override ?? cloud.authorityHost.replace(/\/+$/, ""),
    authorityHostOverride: override,
    scope: cloud.scope,
    graphUrl: graphUrl ?? cloud.graphUrl,
    graphUrlOverride: graphUrl,
    caFile: f.caFile,
    ca,
    proxy: f.proxy ?? env.HTTPS_PROXY ?? env.https_proxy,
    noProxy: env.NO_PROXY ?? env.no_proxy,
    server: { host: f.host, port, tls: f.tls },
  };
}

async function run(f: InitFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const problem = accountNameProblem(f.account);
  if (problem) throw new XoauthError("USAGE", problem);
  const interactive = !f.nonInteractive && !f.yes && process.stdin.isTTY === true && process.stdout.isTTY === true;
  const given: InitGiven = {
    tenantId: f.tenantId,
    clientId: f.clientId,
    credential: credentialOf(f, env),
    mailbox: f.mailbox,
    protocol: f.protocol,
  };
  const out = (s: string): void => processOut.stdout(s);
  if (interactive) out(`${t("init.title")}\n`);
  try {
    const r = await runInit({
      given,
      conn: connectionOf(f, env),
      configPath: f.config ?? defaultConfigPath(env),
      account: f.account,
      overwrite: f.yes === true,
      asker: interactive ? inquirerAsker : undefined,
      out,
      skipTest: f.skipTest === true,
    });
    return r.exitCode;
  } catch (e) {
    if (isPromptAbort(e)) {
      processOut.stderr(`\n${t("init.aborted")}\n`);
      return 130;
    }
    throw e;
  }
}

/** The action of `init`: runs the guided setup and sets the exit code. */
export async function initAction(flags: InitFlags, ctx: RunContext): Promise<void> {
  try {
    ctx.exitCode = await run(flags);
  } catch (e) {
    const err = toXoauthError(e);
    processOut.stderr(formatError(err));
    ctx.exitCode = err.exitCode;
  }
}
