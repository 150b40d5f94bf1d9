/** `xoauth-mail demo`: its options and help (src/cli/run/demo.ts runs it, loaded only when it runs). */
import type { Command } from "commander";
import type { RegisterCommand, RunContext } from "../context.js";
import type { DemoFlags } from "../run/demo.js";

const help = (expected: string) => `
Runs everything in-process on 127.0.0.1 (random ports, a throwaway test CA, TLS verified against it) and stops it
at the end. Nothing is read from or written to your config, token cache or the internet.

Microsoft Graph runs next to POP3 and IMAP on the same mailboxes: a Graph token (audience and Mail.* roles),
test --protocol graph with the send-permission probe (sends nothing), fetch --protocol graph of the same Inbox into
the Maildir++ folder .Graph of the Maildir (the same bytes as POP3's, exactly once), and one message sent through
Graph to an address outside the local tenant (the fake records it; nothing leaves the machine).

--json prints {ok, ms, maildir, tenant:{...}, steps:[{id, ok, ms, ...}]} with the step ids
token, token-graph, test-pop3, test-imap, test-graph, fetch, fetch-again, fetch-graph, fetch-graph-again,
diagnose-misconfiguration (expected: ${expected}), test-after-fix, send-graph. Exit code 0 only if every step had its expected outcome.`;

/** The register function; with `withHelp`, the help after the options names the diagnosis the demo expects. */
export async function demoCommand(withHelp: boolean): Promise<RegisterCommand> {
  const expected = withHelp ? (await import("../../sandbox/demo/expected.js")).DEMO_EXPECTED_DIAGNOSIS : undefined;
  return (program, ctx) => registerDemo(program, ctx, expected);
}

function registerDemo(program: Command, ctx: RunContext, expected?: string): void {
  const cmd = program
    .command("demo")
    .summary("see it all work against a local Exchange Online fake (no tenant, no internet)")
    .description(
      "Start a local identity platform, Exchange Online and Microsoft Graph fake, get a token, test POP3, IMAP and Graph,\nfetch messages exactly once, break a mailbox permission and show the diagnosis with the exact fix, send through Graph.",
    )
    .option("--json", "machine-readable result: {ok, steps:[...]}")
    .option("--maildir <dir>", "fetch into this Maildir and keep it (default: a temporary directory, removed)")
    .action(async (flags: DemoFlags) => (await import("../run/demo.js")).demoAction(flags, ctx));
  if (expected) cmd.addHelpText("after", help(expected));
}
