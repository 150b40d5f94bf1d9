/**
 * `npm run bench` (issue #6): xoauth-mail against getmail6, fetchmail, hand-written Python and a bare client, on one
 * real Dovecot, in one run; writes bench/RESULTS.md and prints it. `--quick` is the ~1 minute smoke variant.
 */
import { cleanupAll, installSignalHandlers } from "./cleanup.js";
import { startBenchEnv } from "./env.js";
import { parseOptions } from "./options.js";
import { loopbackScenario } from "./scenarios/loopback.js";
import { fillMailboxes } from "./setup.js";

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  installSignalHandlers();
  const t0 = Date.now();
  const env = await startBenchEnv();
  const boxes = fillMailboxes(env, o, log);
  if (o.only.has("loopback")) await loopbackScenario(env, o, boxes.bulk, log);
  log(`bench finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main()
  .catch((err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
