/**
 * The commands' names and which one a command line names: no imports, so the one-file bundle's launcher can use it
 * (it keeps one code cache per command, src/cli/bundle/code-cache.ts) without loading the commands.
 */
export const COMMAND_NAMES = ["token", "test", "fetch", "send", "proxy", "demo", "sandbox", "init"] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/** Global options that take a value (they come before the command name). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(["--lang"]);

/** The command named on the command line (argv without node and the script), or undefined (none, `help`, unknown). */
export function commandNameIn(args: readonly string[]): CommandName | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return COMMAND_NAMES.find((n) => n === a);
  }
  return undefined;
}
