/**
 * One module per command; each exports a `register(program, ctx)` function that defines the command's options and help
 * and nothing else. What a command does lives in src/cli/run/<name>.ts and is imported by its action, when it runs.
 * So `--help` (all commands) and `<cmd> --help` load commander, these definitions and the message catalogs only, and a
 * run of `xoauth-mail token` loads the token command's code (not the mail clients, nodemailer, mailparser, ...), which
 * keeps start-up time and memory low (`token` is used as a password command by other tools; `fetch` has a memory
 * budget). test/cli/module-graph.test.ts checks what each loads. Add new commands here and in names.ts.
 */
import type { RegisterCommand } from "../context.js";
import { type CommandName, commandNameIn } from "./names.js";

export interface CommandEntry {
  name: CommandName;
  /**
   * The command's register function. `withHelp`: its own help will or may be shown (the command is named on the
   * command line, or the whole reference is rendered): a command whose help text needs data (sandbox's scenarios and
   * demo's expected diagnosis come from the Exchange table, ~4 ms to load) loads it only then, not for
   * `xoauth-mail --help` or another command.
   */
  load: (withHelp: boolean) => Promise<RegisterCommand>;
}

export const COMMANDS: CommandEntry[] = [
  { name: "token", load: async () => (await import("./token.js")).registerToken },
  { name: "test", load: async () => (await import("./test.js")).registerTest },
  { name: "fetch", load: async () => (await import("./fetch.js")).registerFetch },
  { name: "send", load: async () => (await import("./send.js")).registerSend },
  { name: "proxy", load: async () => (await import("./proxy.js")).registerProxy },
  { name: "demo", load: async (withHelp) => (await import("./demo.js")).demoCommand(withHelp) },
  { name: "sandbox", load: async (withHelp) => (await import("./sandbox.js")).sandboxCommand(withHelp) },
  { name: "init", load: async () => (await import("./init.js")).registerInit },
];

/** The command named on the command line, or undefined (no command, `help`, or an unknown name: load all). */
export function selectedCommand(args: readonly string[]): CommandEntry | undefined {
  const name = commandNameIn(args);
  return name && COMMANDS.find((c) => c.name === name);
}

/**
 * Loads the commands this run needs: the named one, or all of them (for help and for errors on unknown names). A
 * command gets its full help when its name is on the command line (`sandbox --help`, `help sandbox`) or `allHelp`.
 */
export async function loadCommands(args: readonly string[], allHelp = false): Promise<RegisterCommand[]> {
  const one = selectedCommand(args);
  return Promise.all((one ? [one] : COMMANDS).map((c) => c.load(allHelp || args.includes(c.name))));
}
