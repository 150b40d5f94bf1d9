/** The options every command that needs a token shares (credentials, cloud, TLS, proxy, config, cache, output). */
import { type Command, Option } from "commander";

export const AUTH_ENV_HELP = `Credentials and options are resolved flags > environment > config file:
  AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH,
  AZURE_CLIENT_CERTIFICATE_PASSWORD, AZURE_AUTHORITY_HOST, HTTPS_PROXY / https_proxy, NO_PROXY,
  XOAUTH_MAIL_CONFIG (config file path), XOAUTH_MAIL_GRAPH_URL (as --graph-url),
  NODE_EXTRA_CA_CERTS (extra CAs, also honoured).
Tokens are cached in $XDG_CACHE_HOME/xoauth-mail (or ~/.cache/xoauth-mail; XOAUTH_MAIL_CACHE_DIR overrides),
mode 0600, until 5 minutes before they expire, one per app and audience (Exchange Online and Microsoft Graph
tokens are separate). --no-cache bypasses the cache.`;

export function addAuthOptions(cmd: Command): Command {
  return cmd
    .option("--tenant-id <id>", "Directory (tenant) ID: GUID or verified domain (env AZURE_TENANT_ID)")
    .option("--client-id <id>", "Application (client) ID of the app registration (env AZURE_CLIENT_ID)")
    .option("--client-secret-file <path>", "file: the client secret Value alone, mode 0600 (env AZURE_CLIENT_SECRET)")
    .option("--client-secret <value>", "client secret on the command line (visible to other users: prefer a file)")
    .option(
      "--certificate <path>",
      "PEM with certificate + private key, instead of a secret (env AZURE_CLIENT_CERTIFICATE_PATH)",
    )
    .option(
      "--certificate-password <password>",
      "password of the certificate's private key (env AZURE_CLIENT_CERTIFICATE_PASSWORD)",
    )
    .addOption(
      new Option("--cloud <cloud>", "national cloud: authority host, mail hosts and scope").choices([
        "global",
        "usgov",
        "china",
      ]),
    )
    .option("--authority-host <url>", "identity platform URL, overrides --cloud (env AZURE_AUTHORITY_HOST)")
    .option(
      "--scope <scope>",
      "token scope for --protocol (default per cloud: https://outlook.office365.com/.default, with --protocol graph https://graph.microsoft.com/.default)",
    )
    .option(
      "--graph-url <url>",
      "Microsoft Graph API root, https only (default per cloud: https://graph.microsoft.com/v1.0; a bare host gets /v1.0)",
    )
    .option("--ca-file <path>", "PEM CA certificate(s) trusted in addition to the system roots")
    .option("--proxy <url>", "HTTPS proxy for the token endpoint, http://[user:pass@]host:port (env HTTPS_PROXY)")
    .option("--config <path>", "YAML config file with named accounts (env XOAUTH_MAIL_CONFIG)")
    .option("--account <name>", "account of the config file to use")
    .option("--no-cache", "neither read nor write the token cache")
    .option("--json", "machine-readable JSON output")
    .option("--mailbox <address>", "target mailbox (primary SMTP address)")
    .option("--target-mailbox <address>", "alias of --mailbox");
}
