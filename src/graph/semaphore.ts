/** A counting semaphore: at most `max` Graph requests of one client in flight (Exchange's MailboxConcurrency). */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly max: number) {}

  /** Requests holding a slot now. */
  get inFlight(): number {
    return this.active;
  }

  /** Waits for a slot; resolves with its release function (calling it twice releases once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.max) {
      this.active++;
    } else {
      await new Promise<void>((resolve, reject) => {
        const grant = (): void => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const i = this.waiters.indexOf(grant);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiters.push(grant);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter: `active` stays the same.
      if (next) next();
      else this.active--;
    };
  }
}
