/** `xoauth-mail init`: guided setup (prompts in en/de) or scripted with flags; see src/init/run.ts for the flow. */
import { type Command, Option } from "commander";
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

const HELP = `
Asks for what is not given as a flag: tenant ID (checked: shape, then tenant discovery), client ID, client secret
or certificate, mailbox, protocol. Then gets a token (a rejected secret is explained and asked again), runs
\`xoauth-mail test\`, writes the config file (default $XDG_CONFIG_HOME/xoauth-mail/config.yaml, or --config PATH)
with the secret in a separate 0600 file next to it, and prints the admin steps still missing.

Scripted (no prompts): give every value as a flag and --non-interactive (or --yes, which also replaces an existing
account). The secret comes from --client-secret-file or the environment variable AZURE_CLIENT_SECRET.
  xoauth-mail init --non-interactive --tenant-id contoso.onmicrosoft.com --client-id <GUID> \\
      --client-secret-file ./secret.txt --mailbox info@contoso.com --protocol imap

Microsoft Graph instead of POP3/IMAP/SMTP: --protocol graph (or choose it at the protocol prompt). The token is then
requested for Graph (scope https://graph.microsoft.com/.default, other clouds: their Graph host), the test reads the
inbox and lists one message (as \`xoauth-mail test --protocol graph\`), and the config gets protocol: graph, no
servers section, and graphUrl only when --graph-url was given (without --protocol, --graph-url implies graph).
--host/--port/--tls do not apply to graph. The app needs the Graph application permission Mail.Read (reading),
Mail.ReadWrite (moving, marking read, deleting) or Mail.Send (sending), with admin consent, or an RBAC for
Applications role assignment; a refusal is diagnosed and the admin step printed, as for the other protocols.
  xoauth-mail init --non-interactive --tenant-id contoso.onmicrosoft.com --client-id <GUID> \\
      --client-secret-file ./secret.txt --mailbox info@contoso.com --protocol graph

Exit codes: 0 set up and the test passed; 2 usage; 3 the identity platform refused; 4 the mail server or Graph refused
(config written, admin steps printed); 5 network/TLS; 130 aborted with Ctrl-C (nothing written).`;

interface InitFlags {
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

export function registerInit(program: Command, ctx: RunContext): void {
  program
    .command("init")
    .summary("set up access to a mailbox step by step and write the config file")
    .description(
      "Guided setup: asks tenant, app, credential, mailbox and protocol (POP3, IMAP, SMTP or Microsoft Graph), checks each (discovery, token, login),\nwrites the config file with the secret in a separate 0600 file and prints the admin steps still missing.",
    )
    .option("--tenant-id <id>", "Directory (tenant) ID: GUID or verified domain")
    .option("--client-id <id>", "Application (client) ID")
    .option("--client-secret-file <path>", "file: the client secret Value alone, mode 0600 (or AZURE_CLIENT_SECRET)")
    .option("--certificate <path>", "PEM with certificate + private key, instead of a secret")
    .option("--certificate-password <password>", "password of the certificate's private key")
    .option("--mailbox <address>", "mailbox to access (primary SMTP address)")
    .addOption(
      new Option("--protocol <protocol>", "protocol (default pop3; graph = the Microsoft Graph mail API)").choices([
        "pop3",
        "imap",
        "smtp",
        "graph",
      ]),
    )
    .option(
      "--graph-url <url>",
      "with --protocol graph: Graph API root, https only (default per cloud: https://graph.microsoft.com/v1.0)",
    )
    .addOption(new Option("--cloud <cloud>", "national cloud").choices(["global", "usgov", "china"]))
    .option("--authority-host <url>", "identity platform URL, overrides --cloud")
    .option("--ca-file <path>", "PEM CA certificate(s) trusted in addition to the system roots")
    .option("--proxy <url>", "HTTPS proxy for the identity platform (or HTTPS_PROXY)")
    .option("--host <host>", "POP3/IMAP/SMTP: mail server host (default per cloud and protocol)")
    .option("--port <port>", "POP3/IMAP/SMTP: mail server port")
    .addOption(new Option("--tls <mode>", "POP3/IMAP/SMTP: implicit TLS or STARTTLS").choices(["implicit", "starttls"]))
    .option("--config <path>", "config file to write (default $XDG_CONFIG_HOME/xoauth-mail/config.yaml)")
    .option("--account <name>", "account name in the config file", "default")
    .option("--non-interactive", "never prompt; every value must come from flags")
    .option("--yes", "non-interactive, and replace an existing account of the same name")
    .option("--skip-test", "do not run the login test (only token and config)")
    .addHelpText("after", HELP)
    .action(async (flags: InitFlags) => {
      try {
        ctx.exitCode = await run(flags);
      } catch (e) {
        const err = toXoauthError(e);
        processOut.stderr(formatError(err));
        ctx.exitCode = err.exitCode;
      }
    });
}
