/**
 * Run-time helpers the fetch passes of every protocol share (POP3, IMAP): which failures are worth a reconnect, the
 * backoff between reconnects, an abortable sleep, and securing messages recovered from an earlier pass. Kept apart
 * from engine.ts, which loads the passes lazily, so that nothing imports the engine back.
 */
import type { XoauthError } from "../errors.js";
import type { FetchContext } from "./context.js";

/**
 * Failures worth a reconnect: the network, and the mail server's "not now" (SERVER_BUSY: connection limit reached,
 * throttled, unavailable; docs/exchange-behaviour.md section 7), not the server's or the user's "no".
 */
const RETRYABLE = new Set(["CONNECTION_CLOSED", "TIMEOUT", "MAIL_SERVER_UNREACHABLE", "SERVER_BUSY"]);
const MAX_BACKOFF_MS = 30_000;

export function isRetryable(err: XoauthError): boolean {
  return RETRYABLE.has(err.code);
}

export function backoffDelay(base: number, attempt: number, cap = MAX_BACKOFF_MS): number {
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Step 4-5 for messages `isDelivered()` found by file name but not in the state (their batch's commit never ran,
 * e.g. it failed in an earlier pass of this run): fsync(new/) makes their renames durable, then the state records
 * them durably. Call after the isDelivered() scan of a pass and BEFORE any DELE / EXPUNGE of it.
 */
export async function secureRecovered(ctx: FetchContext, recoveredBefore: number): Promise<void> {
  if (ctx.state.recovered.length === recoveredBefore) return;
  await ctx.md.syncNew();
  await ctx.state.flush();
}
