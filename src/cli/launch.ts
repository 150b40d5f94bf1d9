/**
 * Runs the CLI as a process: `main(argv)` with the exit code it returns, plus what a command-line program owes its
 * caller around it. Used by bin/xoauth-mail.js and by the one-file bundle (src/cli/bundle/launcher.ts).
 */
import { writeSync } from "node:fs";
import { main } from "./main.js";

/** Runs the CLI; resolves once main has settled (process.exitCode is set then; the process ends by itself). */
export function launch(argv: string[]): Promise<void> {
  let running = true;

  // A closed pipe (`xoauth-mail --help | head -3`, `token | cut ...`) is not an error: stop quietly like other tools.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err && err.code === "EPIPE") {
        running = false;
        process.exit(process.exitCode ?? 0);
      }
      throw err;
    });
  }

  // Node ends a process whose event loop is empty even while a promise is still pending, with exit code 0 and no
  // output. For a cron job that is a silent "success" of a run that did not finish (a bug: some wait that no socket,
  // timer or file operation can ever settle). Say so and exit 1 instead.
  process.on("exit", (code) => {
    if (!running || code !== 0) return;
    writeSync(
      2,
      "xoauth-mail: internal error: the run ended before it finished (nothing was left to wait for). This is a bug; please report it with the command line and its --verbose output.\n",
    );
    process.exitCode = 1;
  });

  return main(argv)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err) => {
        process.stderr.write(`xoauth-mail: unexpected error: ${err?.stack ?? err}\n`);
        process.exitCode = 1;
      },
    )
    .finally(() => {
      running = false;
    });
}
