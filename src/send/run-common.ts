/**
 * What `send` over SMTP and over Graph share: the run's input that is not about the transport, and the start of the
 * recorded diagnosis (the options step; the context `test` diagnoses with).
 */
import type { CloudName } from "../auth/clouds.js";
import type { AccessToken } from "../auth/types.js";
import { StepRecorder } from "../diagnose/probe/recorder.js";
import type { DiagnosisContext, DiagnosisOptions, DiagnosisStep } from "../diagnose/types.js";
import type { TraceFn } from "../net/types.js";
import type { Envelope, OutgoingMessage } from "./message.js";

export interface SendRunCommon {
  /** The sending mailbox (XOAUTH2 `user=`, Graph's /users/{id}). */
  mailbox: string;
  envelope: Envelope;
  message: OutgoingMessage;
  cloud: CloudName;
  tenantId?: string;
  clientId?: string;
  scope?: string;
  ca?: string[];
  timeoutMs?: number;
  optionsStep?: DiagnosisStep;
  getToken: () => Promise<AccessToken>;
  onTrace?: TraceFn;
}

/** The recorder and the diagnosis context of one send run, the options step recorded. */
export function startSendDiagnosis(
  input: SendRunCommon,
  transport: Omit<DiagnosisOptions, "mailbox" | "cloud" | "tenantId" | "clientId" | "scope">,
): { rec: StepRecorder; ctx: DiagnosisContext } {
  const rec = new StepRecorder();
  const ctx: DiagnosisContext = {
    steps: rec.steps,
    options: {
      mailbox: input.mailbox,
      ...transport,
      cloud: input.cloud,
      ...(input.tenantId ? { tenantId: input.tenantId } : {}),
      ...(input.clientId ? { clientId: input.clientId } : {}),
      ...(input.scope ? { scope: input.scope } : {}),
    },
  };
  if (input.optionsStep) rec.add("options", true, input.optionsStep.ms, input.optionsStep.detail);
  return { rec, ctx };
}
