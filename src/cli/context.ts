/**
 * What main.ts hands to every command module. Its own module so that the commands and main.ts (which loads them)
 * do not import each other.
 */
import type { Command } from "commander";

/** The exit code of the current run, set by command actions. */
export interface RunContext {
  exitCode: number;
}

/** Each command module exports one of these; it adds the command to the program. */
export type RegisterCommand = (program: Command, ctx: RunContext) => void;
