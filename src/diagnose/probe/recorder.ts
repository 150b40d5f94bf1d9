/** Records the checked steps of a `test` run: each step timed, its short detail, and the typed error that stopped it. */
import { toXoauthError, type XoauthError } from "../../errors.js";
import { redact } from "../../log/redact.js";
import { diagUi } from "../text.js";
import type { DiagnosisStep, StepId } from "../types.js";
import { certProblem } from "./tls-detail.js";

/** Thrown after a failed step has been recorded: the run stops there. */
export class StepFailed extends Error {
  constructor(readonly step: DiagnosisStep) {
    super(`step ${step.id} failed`);
  }
}

/** A passed step's detail with a note (DiagnosisStep.note). */
export interface StepText {
  detail: string;
  note: string;
}

export class StepRecorder {
  readonly steps: DiagnosisStep[] = [];

  constructor(private readonly onStep?: (step: DiagnosisStep) => void) {}

  /** Adds a step whose outcome is already known (e.g. from a library's own timings); `text` may carry a note. */
  add(id: StepId, ok: boolean, ms: number, text: string | StepText, error?: XoauthError): DiagnosisStep {
    const { detail, note } = typeof text === "string" ? { detail: text, note: undefined } : text;
    const step: DiagnosisStep = { id, ok, ms: Math.max(0, Math.round(ms)), detail: redact(detail) };
    if (note) step.note = redact(note);
    return this.push(step, error);
  }

  /** A step that passed but was done inside one library call with others: no time of its own. */
  unmeasured(id: StepId, detail = ""): DiagnosisStep {
    const text = detail ? `${detail} (${diagUi("step.notMeasured")})` : diagUi("step.notMeasured");
    return this.push({ id, ok: true, ms: 0, measured: false, detail: redact(text) });
  }

  private push(step: DiagnosisStep, error?: XoauthError): DiagnosisStep {
    if (error) step.error = error;
    this.steps.push(step);
    this.onStep?.(step);
    return step;
  }

  /**
   * Runs one step; on failure records it (with the typed error) and throws StepFailed. `detail` gives the step's
   * detail, or its detail and a note.
   */
  async run<T>(id: StepId, fn: () => Promise<T>, detail: (value: T) => string | StepText): Promise<T> {
    const started = Date.now();
    let value: T;
    try {
      value = await fn();
    } catch (e) {
      throw this.fail(id, Date.now() - started, e);
    }
    this.add(id, true, Date.now() - started, detail(value));
    return value;
  }

  /** Records a failed step and returns the StepFailed to throw. */
  fail(id: StepId, ms: number, e: unknown): StepFailed {
    const err = toXoauthError(e);
    const reply = err.details.serverReply;
    // the reply is shown once, after the message (or, in German, after the code)
    let message = reply ? err.message.replace(reply, "").replace(/[\s:(.]+$/, "") || err.message : err.message;
    const problem = certProblem(err);
    // "... is not trusted (CERT_HAS_EXPIRED)." + ": the certificate has expired (CERT_HAS_EXPIRED) ..." names the code once
    if (problem) message = `${message.replace(/\s*\([A-Z_]+\)\.?$|\.$/, "")}: ${problem}.`;
    const detail = diagUi(reply ? "step.failed.reply" : "step.failed.noReply", { code: err.code, message, reply });
    return new StepFailed(this.add(id, false, ms, detail, err));
  }
}
