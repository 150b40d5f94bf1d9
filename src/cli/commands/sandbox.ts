/** `xoauth-mail sandbox`: its options and help (src/cli/run/sandbox.ts runs it, loaded only when it runs). */
import type { Command } from "commander";
import type { RegisterCommand, RunContext } from "../context.js";
import type { SandboxFlags } from "../run/sandbox.js";

const help = (scenarios: Readonly<Record<string, string>>) => `
Ports: without --port-base each server gets a free random port. With --port-base N:
  N   identity platform (HTTPS, token endpoint and discovery)
  N+1 POP3 with implicit TLS      N+2 IMAP with implicit TLS
  N+3 SMTP submission (STARTTLS)  N+4 POP3 with STLS
  N+5 Microsoft Graph mail API (HTTPS; --graph-url https://127.0.0.1:N+5/v1.0)
All listen on 127.0.0.1 only; the certificates come from a fresh test CA written to DIR/ca.pem.

DIR (default: a temporary directory, removed on exit) receives ca.pem, client-secret (mode 0600) and config.yaml
(account "sandbox", the secret referenced as a file), so that e.g.
  xoauth-mail test --config DIR/config.yaml --protocol all
works. --json prints one JSON object {dir, config, ca_file, secret_file, authority_host, tenant_id, client_id,
mailbox, scenario, token_lifetime_sec, graph_url, ports:{identity,pop3s,imaps,smtp,pop3,graph}, args:[...]} instead of
the text. The Graph fake serves the same mailbox (Graph permissions consented: Mail.ReadWrite, Mail.Send).
--token-lifetime DURATION (e.g. 30s; default 3599 s like Entra) issues shorter-lived tokens: as on Exchange Online,
an IMAP session ends with "* BYE Session invalidated - AccessTokenExpired" when the token it logged in with
expires, so long-running clients (fetch --idle, the proxy) show their re-login within a minute. POP3 and SMTP
sessions are not ended (Exchange documents no such behaviour for them).
The sandbox app is registered correctly (all three roles, New-ServicePrincipal, FullAccess, SendAs); the client
secret is new on every start. --scenario NAME starts it with one misconfiguration instead, to see what
\`xoauth-mail test\` diagnoses:
${Object.entries(scenarios)
  .map(([name, what]) => `  ${name.padEnd(Math.max(20, name.length + 2))}${what}`)
  .join("\n")}`;

/** The register function; with `withHelp`, the help after the options lists the scenarios of the Exchange table. */
export async function sandboxCommand(withHelp: boolean): Promise<RegisterCommand> {
  const scenarios = withHelp ? (await import("../../sandbox/scenarios.js")).SANDBOX_SCENARIOS : undefined;
  return (program, ctx) => registerSandbox(program, ctx, scenarios);
}

function registerSandbox(program: Command, ctx: RunContext, scenarios?: Readonly<Record<string, string>>): void {
  const cmd = program
    .command("sandbox")
    .summary("keep a local Exchange Online tenant running and print the options to use it")
    .description(
      "Run the local identity platform and Exchange Online fake of `demo` until Ctrl-C or SIGTERM, and print the\noptions (and write a config file) that point any xoauth-mail command or your own tests at it.",
    )
    .option("--port-base <n>", "fixed ports N..N+5 instead of random ones (see below)")
    .option("--dir <dir>", "where ca.pem, client-secret (0600) and config.yaml go (default: temporary, removed)")
    .option("--scenario <name>", "start with one misconfiguration (names below), to see its diagnosis")
    .option("--token-lifetime <duration>", "lifetime of issued tokens, e.g. 30s (default 3599s); see below")
    .option("--json", "print the connection details as one JSON object")
    .action(async (flags: SandboxFlags) => (await import("../run/sandbox.js")).sandboxAction(flags, ctx));
  if (scenarios) cmd.addHelpText("after", help(scenarios));
}
