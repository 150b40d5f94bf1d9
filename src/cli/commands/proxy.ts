/** `xoauth-mail proxy`: its options and help (src/cli/run/proxy.ts runs it, loaded only when it runs). */
import { type Command, Option } from "commander";
import type { RunContext } from "../context.js";
import type { ProxyFlags } from "../run/proxy.js";

const EXAMPLES = `
Examples:
  xoauth-mail proxy hash-password            # prompts (no echo), prints scrypt$... for proxy.users[].passwordHash
  printf '%s' 'a-long-device-password' | xoauth-mail proxy hash-password   # at least 8 characters
  xoauth-mail proxy --config /etc/xoauth-mail/proxy.yaml --log-format json

Config (YAML, next to the accounts section; see docs/proxy.md):
  proxy:
    listeners:
      - { name: pop3, protocol: pop3, listen: { port: 1110 } }        # 127.0.0.1, no TLS, upstream :995
      - { name: smtp, protocol: smtp, listen: { host: 0.0.0.0, port: 587 },
          localTls: starttls, cert: /etc/ssl/proxy.crt, key: /etc/ssl/proxy.key }
    users:
      - { username: erp, passwordHash: "scrypt$16384$8$1$...", account: shop }

Exit codes: 0 stopped by SIGTERM/SIGINT, 2 config invalid or cannot listen, 1 unexpected.`;

export function registerProxy(program: Command, ctx: RunContext): void {
  const cmd = program
    .command("proxy")
    .description(
      "run a local POP3/IMAP/SMTP proxy: clients log in with a password, the proxy logs in upstream with XOAUTH2 or sends and reads through Microsoft Graph (upstream: graph)",
    )
    .option(
      "--config <path>",
      "YAML config file with accounts and a proxy section (env XOAUTH_MAIL_CONFIG; default $XDG_CONFIG_HOME/xoauth-mail/config.yaml)",
    )
    .addOption(new Option("--log-format <format>", "log lines on stderr").choices(["text", "json"]).default("text"))
    .option("--ca-file <path>", "PEM CA certificate(s) trusted for the upstream TLS, in addition to the system roots")
    .option(
      "--drain-seconds <duration>",
      "on SIGTERM, wait this long for open sessions, e.g. 30 or 2m; a bare number is seconds, 0 closes at once",
      "30",
    )
    .addHelpText("after", EXAMPLES)
    .action(async (flags: ProxyFlags) => (await import("../run/proxy.js")).proxyAction(flags, ctx));
  cmd
    .command("hash-password")
    .description("Read a password (stdin, or a prompt without echo) and print its scrypt hash for the config.")
    .action(async () => (await import("../run/proxy.js")).hashPasswordAction());
}
