/** Everything the bench starts registers its stop function here; run on normal exit, error and Ctrl-C. */
type Stop = () => Promise<void> | void;
const stops: Stop[] = [];

export function onCleanup(stop: Stop): void {
  stops.push(stop);
}

export async function cleanupAll(): Promise<void> {
  while (stops.length > 0) {
    const stop = stops.pop() as Stop;
    try {
      await stop();
    } catch (err) {
      process.stderr.write(`bench: cleanup failed: ${String(err)}\n`);
    }
  }
}

/** Ctrl-C / SIGTERM: stop children, Dovecot, the fake, remove temp dirs, then exit 130/143. */
export function installSignalHandlers(): void {
  for (const [sig, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nbench: ${sig}, cleaning up...\n`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}
