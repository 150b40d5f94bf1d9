import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { formatDurationMs, parseDuration, parseTimeout } from "../../src/cli/duration.js";
import { XoauthError } from "../../src/errors.js";
import { LIMITS } from "../../src/limits.js";

const HOUR = 3_600_000;

function usageError(fn: () => unknown, ...parts: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof XoauthError, String(e));
    assert.equal(e.code, "USAGE");
    for (const p of parts) assert.match(e.message, p);
    return true;
  });
}

test("unit suffixes ms, s, m, h are read as milliseconds, seconds, minutes, hours", () => {
  assert.equal(parseTimeout("500ms", "--timeout", "s"), 500);
  assert.equal(parseTimeout("30s", "--timeout", "ms"), 30_000);
  assert.equal(parseTimeout("2m", "--timeout", "ms"), 120_000);
  assert.equal(parseTimeout("1h", "--timeout", "ms"), HOUR);
});

test("suffixes are case-insensitive, surrounding blanks are ignored, parts combine and may have decimals", () => {
  assert.equal(parseTimeout("30S", "--timeout", "ms"), 30_000);
  assert.equal(parseTimeout("500MS", "--timeout", "s"), 500);
  assert.equal(parseTimeout(" 2M ", "--timeout", "ms"), 120_000);
  assert.equal(parseTimeout("1m30s", "--timeout", "ms"), 90_000);
  assert.equal(parseTimeout("1.5s", "--timeout", "ms"), 1500);
});

test("a bare number keeps the flag's own unit: milliseconds for test/send, seconds for fetch", () => {
  assert.equal(parseTimeout("1500", "--timeout", "ms"), 1500);
  assert.equal(parseTimeout("90", "--timeout", "s"), 90_000);
  assert.equal(parseTimeout("2.5", "--timeout", "s"), 2500);
  assert.equal(parseTimeout("0.5", "--timeout", "ms"), 1, "rounded to whole milliseconds");
});

test("zero, negative and garbage are USAGE errors naming the flag, the accepted forms and the bare unit", () => {
  for (const v of ["0", "0s", "0ms", "0.0001s"]) {
    usageError(() => parseTimeout(v, "--timeout", "ms"), /^--timeout "/, /more than zero/, /30s, 500ms or 2m/);
  }
  for (const v of ["", "  ", "-5", "-5s", "abc", "s", "5x", "1e3", "30s5", "5 m", "Infinity", "NaN", "0x10"]) {
    usageError(
      () => parseTimeout(v, "--timeout", "ms"),
      /^--timeout "/,
      /not a duration/,
      /bare number is milliseconds/,
    );
  }
  usageError(() => parseTimeout("abc", "--timeout", "s"), /bare number is seconds/);
  usageError(() => parseTimeout("9".repeat(65), "--timeout", "ms"), /not a duration/);
});

test("more than an hour is rejected as absurd for a timeout; exactly an hour is accepted", () => {
  assert.equal(LIMITS.maxUserTimeoutMs, HOUR);
  assert.equal(parseTimeout("60m", "--timeout", "ms"), HOUR);
  assert.equal(parseTimeout("3600", "--timeout", "s"), HOUR);
  usageError(() => parseTimeout("61m", "--timeout", "ms"), /^--timeout "61m" is longer than the maximum of 1 h/);
  usageError(() => parseTimeout("3601", "--timeout", "s"), /maximum of 1 h/);
  usageError(() => parseTimeout("3600001", "--timeout", "ms"), /maximum of 1 h/);
  usageError(() => parseTimeout("1h1ms", "--timeout", "ms"), /maximum of 1 h/);
});

test("an interval without a maximum takes days; allowZero admits 0", () => {
  assert.equal(parseDuration("1d", { flag: "--every", bareUnit: "s" }), 86_400_000);
  assert.equal(parseDuration("1h30m", { flag: "--every", bareUnit: "s" }), 5_400_000);
  assert.equal(parseDuration("0", { flag: "--drain-seconds", bareUnit: "s", allowZero: true }), 0);
  usageError(() => parseDuration("0", { flag: "--every", bareUnit: "s" }), /^--every "0" must be more than zero/);
});

test("durations are shown in the largest whole unit", () => {
  assert.equal(formatDurationMs(500), "500 ms");
  assert.equal(formatDurationMs(30_000), "30 s");
  assert.equal(formatDurationMs(90_000), "90 s");
  assert.equal(formatDurationMs(120_000), "2 min");
  assert.equal(formatDurationMs(HOUR), "1 h");
});

test("property: any duration up to an hour, written as h/m/s/ms parts in any case, parses back to itself", () => {
  const upper = (s: string, up: boolean) => (up ? s.toUpperCase() : s);
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: HOUR }),
      fc.boolean(),
      fc.constantFrom<"ms" | "s">("ms", "s"),
      (ms, up, bare) => {
        const parts: [number, string][] = [
          [Math.floor(ms / HOUR), "h"],
          [Math.floor((ms % HOUR) / 60_000), "m"],
          [Math.floor((ms % 60_000) / 1000), "s"],
          [ms % 1000, "ms"],
        ];
        const text = parts
          .filter(([n]) => n > 0)
          .map(([n, u]) => `${n}${upper(u, up)}`)
          .join("");
        assert.equal(parseTimeout(text, "--timeout", bare), ms, text);
      },
    ),
  );
});

test("property: any input either parses to whole milliseconds within 1 ms..1 h or is a USAGE error", () => {
  const chars = fc.constantFrom(..."0123456789.msMShHdD -x".split(""));
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: chars, maxLength: 12 })),
      fc.constantFrom<"ms" | "s">("ms", "s"),
      (text, bare) => {
        let ms: number;
        try {
          ms = parseTimeout(text, "--timeout", bare);
        } catch (e) {
          assert.ok(e instanceof XoauthError && e.code === "USAGE", String(e));
          return;
        }
        assert.ok(Number.isInteger(ms) && ms >= 1 && ms <= HOUR, `${JSON.stringify(text)} -> ${ms}`);
      },
    ),
  );
});
