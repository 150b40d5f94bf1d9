/** CLI entry: builds the commander program from one module per command (src/cli/commands/*.ts). */
import { Command, CommanderError } from "commander";
import { exitCodeOf, XoauthError } from "../errors.js";
import { detectLang, setDefaultParam, setLang } from "../i18n/index.js";
import { dropTlsVerifyOverride } from "../net/tls-env.js";
import { packageVersion } from "../version.js";
import { loadCommands, selectedCommand } from "./commands/index.js";
import type { RegisterCommand, RunContext } from "./context.js";
import { processOut } from "./process-out.js";
import { noticeTlsEnvIgnored } from "./tls-notice.js";

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  unexpected error (a bug: please report it)
  2  usage or configuration error
  3  the Microsoft identity platform refused (token stage) or the token lacks what the protocol needs
  4  the mail server refused (login, mailbox access, sending)
  5  network or TLS error (DNS, connection refused, timeout, untrusted certificate)
  6  local error (Maildir not writable, --exec hook failed)`;

export function buildProgram(ctx: RunContext, commands: RegisterCommand[], tlsEnvIgnored = false): Command {
  const program = new Command();
  program
    .name("xoauth-mail")
    .description(
      "OAuth 2.0 app-only (client credentials) access to Exchange Online mailboxes over POP3, IMAP and SMTP with XOAUTH2.",
    )
    .version(packageVersion(), "-V, --version", "print the version of xoauth-mail")
    .option("--lang <lang>", "language of messages: en or de (default: from LANG / LC_ALL)")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", `\n${EXIT_CODES_HELP}\n`)
    .exitOverride()
    .configureOutput({ writeOut: (s) => processOut.stdout(s), writeErr: (s) => processOut.stderr(s) })
    .hook("preAction", async (thisCommand, actionCommand) => {
      // The message catalogs are for what commands print: `--help` never needs them (src/cli/output.ts loads them
      // for an error printed before any action).
      await import("../i18n/catalogs.js");
      setLang(detectLang(thisCommand.opts().lang as string | undefined));
      setDefaultParam("command", commandPath(actionCommand));
      if (tlsEnvIgnored) await noticeTlsEnvIgnored(commandPath(actionCommand), actionCommand.opts().logFormat);
    });
  for (const register of commands) register(program, ctx);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const ctx: RunContext = { exitCode: 0 };
  // Before anything can open a TLS connection: certificate checks stay on, whatever the environment says.
  const tlsEnvIgnored = dropTlsVerifyOverride(process.env);
  setLang(detectLang(undefined));
  const named = selectedCommand(argv.slice(2));
  if (named) setDefaultParam("command", named.name); // refined by the preAction hook (sub-commands)
  const program = buildProgram(ctx, await loadCommands(argv.slice(2)), tlsEnvIgnored);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) return 0;
      // commander already printed the message on stderr; --json callers also get it in the documented shape.
      if (wantsJson(argv)) {
        const { errorJson } = await import("./output.js");
        const usage = new XoauthError("USAGE", e.message.replace(/^error: /, ""));
        processOut.stdout(`${JSON.stringify({ ok: false, error: errorJson(usage) }, null, 2)}\n`);
      }
      return exitCodeOf("USAGE");
    }
    // The error formatting (catalog texts, diagnosis variants) is loaded only when there is an error to print.
    const { cliError, formatError } = await import("./output.js");
    const err = cliError(e);
    processOut.stderr(formatError(err));
    return err instanceof XoauthError ? err.exitCode : 1;
  }
}

/** True when the user asked for machine-readable output (before the `--` end of options). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/** "fetch", "proxy hash-password": the command as typed after `xoauth-mail`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}
