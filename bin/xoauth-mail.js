#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli/main.ts into dist/ by `npm run build` (run by `prepare`).
import { main } from "../dist/src/cli/main.js";

// A closed pipe (`xoauth-mail --help | head -3`, `token | cut ...`) is not an error: stop quietly like other tools.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err && err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`xoauth-mail: unexpected error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
