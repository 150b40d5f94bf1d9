/** A one-line progress bar on a TTY (stderr): messages, bytes, rate, ETA. No dependency; redrawn at most 10x/s. */
import type { FetchEvent } from "./types.js";

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Pure: the text of the bar for the given counts (tested without a terminal). */
export function renderBar(
  p: { done: number; total: number; bytes: number; totalBytes: number; elapsedMs: number },
  width = 24,
): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(frac * width);
  const rate = p.elapsedMs > 0 ? (p.bytes * 1000) / p.elapsedMs : 0;
  let eta = "";
  if (p.totalBytes > p.bytes && rate > 0) eta = ` ETA ${formatDuration(((p.totalBytes - p.bytes) / rate) * 1000)}`;
  else if (p.total > p.done && p.done > 0) eta = ` ETA ${formatDuration((p.elapsedMs / p.done) * (p.total - p.done))}`;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total} msgs ${formatBytes(p.bytes)} ${formatBytes(rate)}/s${eta}`;
}

export class ProgressBar {
  private done = 0;
  private total = 0;
  private bytes = 0;
  private totalBytes = 0;
  private started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly write: (s: string) => void) {}

  onEvent(e: FetchEvent): void {
    if (e.type === "plan") {
      this.total = this.done + e.messages;
      this.totalBytes = this.bytes + e.bytes;
      this.started = this.done === 0 ? Date.now() : this.started;
    } else if (e.type === "message") {
      this.done++;
      this.bytes += e.bytes;
    } else return;
    this.draw(false);
  }

  draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.drawn = true;
    const line = renderBar({
      done: this.done,
      total: this.total,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      elapsedMs: now - this.started,
    });
    this.write(`\r\x1b[2K${line}`);
  }

  /** Clears the line (before other output, and at the end). */
  clear(): void {
    if (this.drawn) this.write("\r\x1b[2K");
    this.drawn = false;
  }
}
