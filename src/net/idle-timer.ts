/**
 * A connection's inactivity timer. Protocol sessions restart it for every chunk they receive, so a running timer
 * with the same duration and label is refreshed in place instead of replaced (no new timer and closure per 16 KB
 * of a 100 MB message body). Unref'd: it never keeps the process alive by itself.
 */
export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;
  private ms = 0;
  private what = "";

  constructor(private readonly onTimeout: (ms: number, what: string) => void) {}

  /** Fires `onTimeout(ms, what)` after `ms` without another start(); `what` names what is awaited. */
  start(ms: number, what: string): void {
    if (this.timer && this.ms === ms && this.what === what) {
      this.timer.refresh();
      return;
    }
    this.stop();
    this.ms = ms;
    this.what = what;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onTimeout(ms, what);
    }, ms);
    this.timer.unref?.();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
