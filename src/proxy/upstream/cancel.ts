/** Cancelling an upstream login: the session's AbortSignal ends waits that take no signal of their own. */
import { XoauthError } from "../../errors.js";

export function cancelledError(): XoauthError {
  return new XoauthError("CONNECTION_CLOSED", "The upstream login was cancelled.");
}

/**
 * Resolves like `p` unless `signal` aborts first (then rejects with cancelledError). A value that arrives after the
 * abort is handed to `discard` (e.g. a socket to destroy), so nothing the wait produced stays open.
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined, discard?: (v: T) => void): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError());
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) discard?.(v);
        else resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
