import type { TokenClaims } from "../auth/types.js";
import { diagnose } from "../diagnose/engine.js";
import { failedStepStart, PhaseTracker, recordLoginSteps } from "../diagnose/probe/phases.js";
import { StepFailed } from "../diagnose/probe/recorder.js";
import { failedStep, loginDetails } from "../diagnose/probe/smtp.js";
import type { MailServer } from "../diagnose/server.js";
import { tokenAndClaimsSteps } from "../diagnose/test-run.js";
import { diagUi } from "../diagnose/text.js";
import type { Diagnosis, DiagnosisStep } from "../diagnose/types.js";
import { type SendRunCommon, startSendDiagnosis } from "./run-common.js";
import { SendFailed, type SentMessage, sendOne } from "./transport.js";

export interface SendRunInput extends SendRunCommon {
  server: MailServer;
}

export interface SendRunResult {
  ok: boolean;
  steps: DiagnosisStep[];
  claims: TokenClaims | undefined;
  sent: SentMessage | undefined;
  /** Only on failure. */
  diagnosis: Diagnosis | undefined;
  ms: number;
}

export async function runSend(input: SendRunInput): Promise<SendRunResult> {
  const started = Date.now();
  const { rec, ctx } = startSendDiagnosis(input, {
    protocol: "smtp",
    host: input.server.host,
    port: input.server.port,
    tls: input.server.tls,
  });
  let sent: SentMessage | undefined;
  try {
    const tok = await tokenAndClaimsSteps(rec, ctx, input.getToken);
    const s = input.server;
    const phases = new PhaseTracker();
    const implicit = s.tls === "implicit";
    try {
      sent = await sendOne(
        {
          host: s.host,
          port: s.port,
          tls: s.tls,
          user: input.mailbox,
          token: tok.token,
          ...(input.ca ? { ca: input.ca } : {}),
          onTrace: (e) => {
            phases.observe(e);
            input.onTrace?.(e);
          },
          ...(input.timeoutMs
            ? { timeouts: { connectMs: input.timeoutMs, greetingMs: input.timeoutMs, commandMs: input.timeoutMs } }
            : {}),
        },
        input.message,
        input.envelope,
      );
    } catch (e) {
      if (!(e instanceof SendFailed)) throw e;
      const at = e.afterLogin ? "send" : failedStep(e.error);
      const t = phases.times;
      recordLoginSteps(rec, t, implicit, loginDetails(s.host, s.port, s.tls, t), at === "send" ? "auth" : at);
      if (at === "send") rec.unmeasured("auth", diagUi("step.detail.xoauth2Accepted", { mailbox: input.mailbox }));
      const from = at === "send" ? (t.authSentAt ?? t.started) : failedStepStart(t, at, implicit);
      throw rec.fail(at, Date.now() - from, e.error);
    }
    rec.add("send", true, Date.now() - phases.times.started, sent.response);
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
  }
  const failed = rec.steps.find((s) => !s.ok && s.id !== "claims");
  if (!failed && sent) return { ok: true, steps: rec.steps, claims: ctx.claims, sent, diagnosis: undefined, ms: ms() };
  // SendAs is needed on the From address: name that one in the fix.
  if (failed?.error?.code === "SEND_AS_DENIED") ctx.options.mailbox = input.envelope.from;
  return { ok: false, steps: rec.steps, claims: ctx.claims, sent, diagnosis: diagnose(ctx), ms: ms() };

  function ms(): number {
    return Date.now() - started;
  }
}
