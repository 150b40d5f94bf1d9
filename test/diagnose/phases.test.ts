/** Login steps timed from transcript events: real times where the transcript shows both ends, else "not measured". */
import assert from "node:assert/strict";
import { test } from "node:test";
import { failedStepStart, PhaseTracker, recordLoginSteps } from "../../src/diagnose/probe/phases.js";
import { StepRecorder } from "../../src/diagnose/probe/recorder.js";

function clock(): { now: () => number; set: (t: number) => void } {
  let t = 1000;
  return { now: () => t, set: (v) => (t = v) };
}

test("an SMTP STARTTLS login failing at AUTH shows measured connect, TLS and greeting times", () => {
  const c = clock();
  const p = new PhaseTracker(c.now);
  c.set(1010);
  p.observe({ dir: "info", line: "Connection established to 127.0.0.1:587" });
  c.set(1015);
  p.observe({ dir: "s", line: "220 smtp ESMTP" });
  c.set(1020);
  p.observe({ dir: "c", line: "STARTTLS" });
  c.set(1050);
  p.observe({ dir: "info", line: "Connection upgraded with STARTTLS" });
  p.observe({ dir: "s", line: "250-AUTH LOGIN XOAUTH2" });
  c.set(1060);
  p.observe({ dir: "c", line: "AUTH XOAUTH2" });
  const rec = new StepRecorder();
  recordLoginSteps(rec, p.times, false, { connect: "h:587", tcp: "h:587", tls: "STARTTLS", greeting: "AUTH" }, "auth");
  assert.deepEqual(
    rec.steps.map((s) => [s.id, s.ms, s.measured]),
    [
      ["connect", 10, undefined],
      ["tls", 30, undefined],
      ["greeting", 20, undefined],
    ],
  );
  assert.deepEqual(p.times.mechanisms, ["LOGIN", "XOAUTH2"]);
  assert.equal(failedStepStart(p.times, "auth", false), 1060);
});

test("implicit TLS: the TLS step is marked not measured separately, never a fake 0 ms", () => {
  const c = clock();
  const p = new PhaseTracker(c.now);
  c.set(1040);
  p.observe({ dir: "info", line: "Established secure TCP connection" });
  c.set(1045);
  p.observe({ dir: "s", line: "* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] ready" });
  c.set(1050);
  p.observe({ dir: "c", line: "1 AUTHENTICATE XOAUTH2" });
  const rec = new StepRecorder();
  recordLoginSteps(
    rec,
    p.times,
    true,
    { connect: "h:993", tcp: "h:993", tls: "implicit TLS", greeting: "caps" },
    "auth",
  );
  const tls = rec.steps.find((s) => s.id === "tls");
  assert.equal(tls?.measured, false);
  assert.match(tls?.detail ?? "", /not measured separately/);
  assert.equal(rec.steps.find((s) => s.id === "greeting")?.ms, 10);
  assert.deepEqual(p.times.mechanisms, ["XOAUTH2"]);
});

test("a boundary the transcript never showed is not measured, and later steps are not recorded", () => {
  const p = new PhaseTracker(() => 5);
  const rec = new StepRecorder();
  recordLoginSteps(rec, p.times, false, { connect: "h", tcp: "h", tls: "t", greeting: "g" }, "tls");
  assert.deepEqual(
    rec.steps.map((s) => [s.id, s.measured]),
    [["connect", false]],
  );
});
