/** Rounds -> median, min, max; a peer's rows for the report. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export function summarize(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, rounds: s.length };
}

export function fmtSec(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}

export function fmtTiming(t: Timing): string {
  return `${fmtSec(t.median)} (${fmtSec(t.min)} .. ${fmtSec(t.max)})`;
}

export function mbPerSec(bytes: number, ms: number): string {
  return `${(bytes / 1_048_576 / (ms / 1000)).toFixed(1)} MB/s`;
}
