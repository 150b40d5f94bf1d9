/** Input and output of the diagnosis engine: the steps of a `test` run in, exactly one root cause out. */
import type { CloudName, Transport } from "../auth/clouds.js";
import type { TokenClaims } from "../auth/types.js";
import type { ErrorCode, XoauthError } from "../errors.js";
import type { ServerTlsMode } from "../net/types.js";

/**
 * The checked steps of `xoauth-mail test`, in order. Graph runs: options, token, claims, connect (HTTPS: TCP + TLS),
 * mailbox (the inbox folder), list (one message), send-probe (with --check-send; sends nothing).
 */
export const STEP_IDS = [
  "options",
  "token",
  "claims",
  "connect",
  "tls",
  "greeting",
  "auth",
  "mailbox",
  "list",
  "send",
  "send-probe",
  "logout",
] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface DiagnosisStep {
  id: StepId;
  ok: boolean;
  ms: number;
  /** False when the library did this step together with others, so `ms` (0) is no measurement of its own. */
  measured?: boolean;
  /** Short human detail (already redacted), e.g. `STAT: 3 messages, 12 KB`. */
  detail: string;
  /**
   * A remark that does not fail the step but asks for action, shown whole on a line of its own (the human output cuts
   * `detail` at 140 characters): why the token was not cached and the fix.
   */
  note?: string;
  error?: XoauthError;
}

export interface DiagnosisOptions {
  tenantId?: string;
  clientId?: string;
  mailbox: string;
  protocol: Transport;
  host: string;
  port: number;
  tls: ServerTlsMode;
  cloud: CloudName;
  /** The scope the token was requested for (default: the cloud's Exchange scope). */
  scope?: string;
  sendTestTo?: string;
  /** Graph: the API root the run used (--graph-url or the cloud's). */
  graphUrl?: string;
}

export interface DiagnosisContext {
  steps: DiagnosisStep[];
  options: DiagnosisOptions;
  /** Decoded claims of the access token, when one was obtained. */
  claims?: TokenClaims;
  /** Epoch ms "now" (for expiry checks); defaults to Date.now(). */
  now?: number;
}

/** A diagnosis code: every stable error code, plus OK. */
export type DiagnosisCode = ErrorCode | "OK";

export interface Diagnosis {
  code: DiagnosisCode;
  /** One sentence: what happened. */
  summary: string;
  /** Likely causes, most likely first. */
  causes: string[];
  /** Exact next steps with the real values filled in. */
  fix: string[];
  /** Microsoft Graph's `request-id` of the refused request (what Microsoft support asks for); Graph runs only. */
  requestId?: string;
}

/** The stable `--json` form of a step: `measured: false` only where the time is not the step's own. */
export function stepJson(s: DiagnosisStep): Record<string, unknown> {
  return {
    id: s.id,
    ok: s.ok,
    ms: s.ms,
    detail: s.detail,
    ...(s.note ? { note: s.note } : {}),
    ...(s.measured === false ? { measured: false } : {}),
  };
}
