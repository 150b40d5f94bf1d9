/**
 * One module per command; each exports a `register(program, ctx)` function. Add new commands here.
 * Modules are loaded lazily: a run of `xoauth-mail token` loads only the token command and what it imports
 * (not the mail clients, nodemailer, mailparser, ...), which keeps start-up time and memory low (`token` is used as a
 * password command by other tools; `fetch` has a memory budget).
 */
import type { RegisterCommand } from "../context.js";

export interface CommandEntry {
  name: string;
  load: () => Promise<RegisterCommand>;
}

export const COMMANDS: CommandEntry[] = [
  { name: "token", load: async () => (await import("./token.js")).registerToken },
  { name: "test", load: async () => (await import("./test.js")).registerTest },
  { name: "fetch", load: async () => (await import("./fetch.js")).registerFetch },
  { name: "send", load: async () => (await import("./send.js")).registerSend },
  { name: "proxy", load: async () => (await import("./proxy.js")).registerProxy },
  { name: "demo", load: async () => (await import("./demo.js")).registerDemo },
  { name: "sandbox", load: async () => (await import("./sandbox.js")).registerSandbox },
  { name: "init", load: async () => (await import("./init.js")).registerInit },
];

/** Global options that take a value (they come before the command name). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(["--lang"]);

/** The command named on the command line, or undefined (no command, `help`, or an unknown name: load all). */
export function selectedCommand(args: readonly string[]): CommandEntry | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return COMMANDS.find((c) => c.name === a);
  }
  return undefined;
}

/** Loads the commands this run needs: the named one, or all of them (for help and for errors on unknown names). */
export async function loadCommands(args: readonly string[]): Promise<RegisterCommand[]> {
  const one = selectedCommand(args);
  return Promise.all((one ? [one] : COMMANDS).map((c) => c.load()));
}
