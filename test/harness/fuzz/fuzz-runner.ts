/**
 * The fuzz harness shared by `npm test` (small counts, test/fuzz/fuzz.test.ts) and `npm run fuzz` (>= 100,000 cases
 * per target, test/fuzz/run.ts): a target is one fast-check property over one parser that reads the network or the
 * user. Properties throw (node:assert) on a violation; fast-check shrinks and reports the seed to rerun it.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type ErrorCode, XoauthError } from "../../../src/errors.js";

export interface FuzzTarget {
  /** Short name used by `--only` (substring match), e.g. `pop3-framer`. */
  name: string;
  /** The source files it exercises. */
  covers: string;
  /** A fresh property (sync or async) for each run. */
  property(): fc.IRawProperty<unknown, boolean>;
}

export interface FuzzResult {
  name: string;
  cases: number;
  seed: number;
  seconds: number;
  failures: number;
  interrupted: boolean;
  /** fast-check's report (counterexample, seed, path) when the property failed. */
  report?: string;
}

/** Runs one target; never throws for a property failure (that is in the result). */
export async function runTarget(
  t: FuzzTarget,
  opts: { seed: number; numRuns: number; timeLimitMs?: number },
): Promise<FuzzResult> {
  const started = performance.now();
  const details = await fc.check(t.property(), {
    seed: opts.seed,
    numRuns: opts.numRuns,
    // A hung async run (a parser waiting forever) is a failure, not a stuck fuzz run.
    timeout: 20_000,
    ...(opts.timeLimitMs ? { interruptAfterTimeLimit: opts.timeLimitMs } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    name: t.name,
    cases: details.numRuns,
    seed: opts.seed,
    seconds,
    failures: details.failed ? 1 : 0,
    interrupted: details.interrupted,
    ...(details.failed ? { report: failureReport(details) } : {}),
  };
}

/** Asserts that `e` is an XoauthError with one of `codes` (the only failures a parser may raise). */
export function assertTyped(e: unknown, codes: readonly ErrorCode[]): XoauthError {
  assert.ok(e instanceof XoauthError, `unexpected exception type: ${e instanceof Error ? e.stack : String(e)}`);
  assert.ok(codes.includes(e.code), `unexpected error code ${e.code}: ${e.message}`);
  return e;
}

/** What a run produced: its value, or the code of the typed error it raised (anything else fails the property). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode };

export function outcome<T>(fn: () => T, codes: readonly ErrorCode[]): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, code: assertTyped(e, codes).code };
  }
}

export async function outcomeAsync<T>(fn: () => Promise<T>, codes: readonly ErrorCode[]): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, code: assertTyped(e, codes).code };
  }
}

function failureReport(details: fc.RunDetails<unknown>): string {
  const err = details.errorInstance;
  const why = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return `${fc.defaultReportMessage(details) ?? "failed"}\n${why.split("\n").slice(0, 12).join("\n")}`;
}
