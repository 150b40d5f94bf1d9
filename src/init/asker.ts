/** The prompts `init` needs, behind a narrow interface; the real one uses @inquirer/prompts in a terminal. */
import { confirm, input, password, select } from "@inquirer/prompts";

export type Validate = (value: string) => string | true | Promise<string | true>;

export interface Asker {
  input(message: string, opts?: { default?: string; validate?: Validate }): Promise<string>;
  /** Hidden input (masked with *). */
  secret(message: string, opts?: { validate?: Validate }): Promise<string>;
  select<T extends string>(message: string, choices: { name: string; value: T }[], def?: T): Promise<T>;
  confirm(message: string, def: boolean): Promise<boolean>;
}

export const inquirerAsker: Asker = {
  input: (message, opts = {}) =>
    input({
      message,
      ...(opts.default !== undefined ? { default: opts.default } : {}),
      ...(opts.validate ? { validate: opts.validate } : {}),
    }).then((v) => v.trim()),
  secret: (message, opts = {}) =>
    password({ message, mask: "*", ...(opts.validate ? { validate: opts.validate } : {}) }).then((v) => v.trim()),
  select: (message, choices, def) => select({ message, choices, ...(def !== undefined ? { default: def } : {}) }),
  confirm: (message, def) => confirm({ message, default: def }),
};

/** True when the user pressed Ctrl-C (or closed the terminal) in a prompt. */
export function isPromptAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === "ExitPromptError" || e.name === "AbortPromptError");
}
