#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli/main.ts into dist/ by `npm run build` (run by `prepare`).
import { main } from "../dist/src/cli/main.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`xoauth-mail: unexpected error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
