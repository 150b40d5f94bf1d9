/**
 * The one duration grammar of the CLI: `500ms`, `30s`, `2m`, `1h`, `1d`, combined as `1m30s`, decimals as `1.5s`,
 * case-insensitive. A bare number keeps the flag's historical unit (`bareUnit`), so existing scripts keep working.
 */
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";

/** The unit a bare number means for one flag. */
export type BareUnit = "ms" | "s";

export interface DurationSpec {
  /** The flag as the user typed it, for the error message, e.g. `--timeout`. */
  flag: string;
  bareUnit: BareUnit;
  /** Largest accepted value in milliseconds (default and upper bound: MAX_DURATION_MS). */
  maxMs?: number;
  /** Accept 0 (e.g. "do not wait"); otherwise the value must be at least 1 ms. */
  allowZero?: boolean;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const BARE = /^\d+(?:\.\d+)?$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
/** Longer input is never a sensible duration; bounding it keeps the regex work trivial. */
const MAX_INPUT_CHARS = 64;
/**
 * The longest duration any flag accepts: 24 days. Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer
 * delay fires after 1 ms instead (TimeoutOverflowWarning), so `--every 30d` would poll the server non-stop.
 */
export const MAX_DURATION_MS = 24 * 86_400_000;

/** Human form of a duration in milliseconds: `500 ms`, `30 s`, `2 min`, `1 h`. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms > 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${ms / 1000} s`;
  if (ms < 3_600_000 || ms % 3_600_000 !== 0) return `${ms / 60_000} min`;
  return `${ms / 3_600_000} h`;
}

function sum(s: string): number | undefined {
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    consumed += m[0].length;
  }
  return consumed === s.length && s.length > 0 ? total : undefined;
}

/** Parses a duration flag value to whole milliseconds; anything else is a USAGE error naming the flag and the forms. */
export function parseDuration(value: string, spec: DurationSpec): number {
  const forms = `use e.g. 30s, 500ms or 2m (a bare number is ${spec.bareUnit === "ms" ? "milliseconds" : "seconds"})`;
  const s = value.trim().toLowerCase();
  const raw = s.length > MAX_INPUT_CHARS ? undefined : BARE.test(s) ? Number(s) * UNIT_MS[spec.bareUnit] : sum(s);
  if (raw === undefined || !Number.isFinite(raw)) {
    throw new XoauthError("USAGE", `${spec.flag} "${value}" is not a duration: ${forms}.`);
  }
  const ms = Math.round(raw);
  if (ms < (spec.allowZero ? 0 : 1)) {
    throw new XoauthError("USAGE", `${spec.flag} "${value}" must be more than zero: ${forms}.`);
  }
  const maxMs = Math.min(spec.maxMs ?? MAX_DURATION_MS, MAX_DURATION_MS);
  if (ms > maxMs) {
    const max = formatDurationMs(maxMs);
    throw new XoauthError("USAGE", `${spec.flag} "${value}" is longer than the maximum of ${max}: ${forms}.`);
  }
  return ms;
}

/** A `--timeout`-style flag: more than zero, at most LIMITS.maxUserTimeoutMs (1 h). */
export function parseTimeout(value: string, flag: string, bareUnit: BareUnit): number {
  return parseDuration(value, { flag, bareUnit, maxMs: LIMITS.maxUserTimeoutMs });
}
