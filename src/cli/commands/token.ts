/** `xoauth-mail token`: its options and help (src/cli/run/token.ts runs it, loaded only when it runs). */
import { type Command, Option } from "commander";
import { TRANSPORTS } from "../../auth/clouds.js";
import { AUTH_ENV_HELP, addAuthOptions } from "../common-options.js";
import type { RunContext } from "../context.js";
import type { TokenFlags } from "../run/token.js";

const EXAMPLES = `
Examples:
  # print a token (stdout holds only the token, for passwordeval / PassCmd)
  AZURE_CLIENT_SECRET=... xoauth-mail token --tenant-id contoso.onmicrosoft.com \\
      --client-id 00000000-0000-0000-0000-000000000000
  xoauth-mail token --account shop --client-secret-file ~/.secret
  # show claims and check them for IMAP, without printing the token
  xoauth-mail token --decode --protocol imap
  # for scripts and monitoring: exit 3 unless the token carries what IMAP needs (audience, IMAP.AccessAsApp, ...)
  xoauth-mail token --check --protocol imap --json
  # a Microsoft Graph token (scope https://graph.microsoft.com/.default), its audience and Mail.* roles checked
  xoauth-mail token --decode --protocol graph
  # JSON for scripts: {ok, expires_on, from_cache, claims, checks, checks_ok}, without the token
  xoauth-mail token --json | jq .checks
  # the token itself in the JSON as access_token: only with --show-token (keep that output out of logs)
  xoauth-mail token --json --show-token | jq -r .access_token
  # certificate credential, local test endpoint with a private CA
  xoauth-mail token --certificate app.pem --authority-host https://127.0.0.1:8443 --ca-file ca.pem

${AUTH_ENV_HELP}

--protocol graph requests a Graph token and checks aud = Microsoft Graph and the roles Mail.Read, Mail.ReadBasic,
Mail.ReadWrite (reading) and Mail.Send (sending). A Graph token WITHOUT such roles is no failure: an app scoped with
RBAC for Applications (New-ManagementRoleAssignment -App ...) has no roles in its token and may still be allowed.
That role check is shown as "?" ("unknown": true in --json) and --check passes; \`xoauth-mail test --protocol graph\`
asks the mailbox itself.

Exit codes: 0 ok, 2 usage/config, 3 the identity platform refused (or, with --check, a claim check failed),
5 network/TLS, 1 unexpected. Without --check the token is obtained (exit 0) even when checks fail.`;

export function registerToken(program: Command, ctx: RunContext): void {
  const cmd = program
    .command("token")
    .summary("get an app-only access token for Exchange Online or Microsoft Graph")
    .description(
      "Get an app-only (client credentials) access token for Exchange Online (or, with --protocol graph, Microsoft Graph) from the Microsoft identity platform.\nPrints only the token on stdout, usable as passwordeval / PassCmd. --decode, --check and --json show and check its claims instead, without the token (--show-token adds it).",
    );
  addAuthOptions(cmd)
    .option("--decode", "print header, claims and checks instead of the token")
    .option("--check", "like --decode, and exit 3 when a check fails (for scripts and monitoring)")
    .option(
      "--show-token",
      "with --json, --decode or --check: include the token itself (access_token); keep it out of logs",
    )
    .addOption(
      new Option(
        "--protocol <protocol>",
        "protocol whose audience and permission the checks look for (default pop3); graph also requests a Graph token",
      ).choices([...TRANSPORTS]),
    )
    .addHelpText("after", EXAMPLES)
    .action(async (flags: TokenFlags) => (await import("../run/token.js")).tokenAction(flags, ctx));
}
