/** The shape of one diagnosis rule: given the run's facts, either name the root cause or pass. */
import type { Lang } from "../i18n/index.js";
import type { Facts } from "./facts.js";
import type { Diagnosis, DiagnosisContext } from "./types.js";

export interface Rule {
  /** For tests and tracing: the rule's file name. */
  name: string;
  diagnose(ctx: DiagnosisContext, facts: Facts, lang: Lang): Diagnosis | undefined;
}
