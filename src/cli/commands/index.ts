/** One module per command; each exports a `register(program, ctx)` function. Add new commands here. */
import type { Command } from "commander";
import type { RunContext } from "../main.js";
import { registerDemo } from "./demo.js";
import { registerFetch } from "./fetch.js";
import { registerInit } from "./init.js";
import { registerProxy } from "./proxy.js";
import { registerSandbox } from "./sandbox.js";
import { registerSend } from "./send.js";
import { registerTest } from "./test.js";
import { registerToken } from "./token.js";

export type RegisterCommand = (program: Command, ctx: RunContext) => void;

export const COMMANDS: RegisterCommand[] = [
  registerToken,
  registerFetch,
  registerTest,
  registerProxy,
  registerSend,
  registerDemo,
  registerSandbox,
  registerInit,
];
