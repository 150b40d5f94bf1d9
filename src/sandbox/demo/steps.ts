/** What `demo` records: the JSON steps, where narration goes, and one compact line per `test` run. */
import { TRANSPORT_NAME } from "../../auth/clouds.js";
import { claimsJson, type MailTestResult } from "../../diagnose/test-run.js";
import { stepJson } from "../../diagnose/types.js";
import { t } from "../../i18n/index.js";

export interface DemoStep {
  id: string;
  ok: boolean;
  ms: number;
  [field: string]: unknown;
}

/** Where the scenario reports: narration by catalog key, plain lines, and the recorded steps (the CLI prints them). */
export interface DemoReporter {
  say(key: string, params?: Record<string, unknown>): void;
  line(text: string): void;
  add(step: DemoStep): DemoStep;
}

const HIDDEN_STEPS = new Set(["options", "token", "claims"]);

/** One compact line: `✓ POP3  TCP 1 ms · TLS 9 ms · greeting 2 ms · XOAUTH2 3 ms · mailbox 1 ms · logout 0 ms`. */
export function compact(r: MailTestResult): string {
  const parts = r.steps
    .filter((s) => !HIDDEN_STEPS.has(s.id))
    .map((s) => `${s.ok ? "" : "✗ "}${t(`demo.step.${s.id}`)} ${s.measured === false ? "–" : `${s.ms} ms`}`);
  const failedEarly = r.steps.find((s) => !s.ok && HIDDEN_STEPS.has(s.id));
  if (failedEarly) parts.unshift(`✗ ${failedEarly.id}: ${failedEarly.detail}`);
  return `   ${r.ok ? "✓" : "✗"} ${TRANSPORT_NAME[r.protocol]}  ${parts.join(" · ")}`;
}

export function testStep(id: string, r: MailTestResult, ms: number, ok: boolean): DemoStep {
  return {
    id,
    ok,
    ms,
    protocol: r.protocol,
    code: r.diagnosis.code,
    steps: r.steps.map(stepJson),
    claims: claimsJson(r.claims),
    diagnosis: r.diagnosis,
  };
}
