/** Diagnosis engine: from the steps of a `test` run to exactly one root cause with the exact fix. */
export { diagnose, RULES } from "./engine.js";
export { type ClaimFacts, claimFacts } from "./facts.js";
export { diagUi } from "./text.js";
export type {
  Diagnosis,
  DiagnosisCode,
  DiagnosisContext,
  DiagnosisOptions,
  DiagnosisStep,
  StepId,
} from "./types.js";
export { STEP_IDS } from "./types.js";
