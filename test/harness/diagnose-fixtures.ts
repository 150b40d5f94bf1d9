/** Builders for diagnosis contexts: a run that got as far as `upTo`, failing there with `error`. */
import type { TokenClaims } from "../../src/auth/types.js";
import type { DiagnosisContext, DiagnosisOptions, DiagnosisStep, StepId } from "../../src/diagnose/index.js";
import { STEP_IDS } from "../../src/diagnose/index.js";
import type { ErrorCode } from "../../src/errors.js";
import { XoauthError } from "../../src/errors.js";

export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
export const TID = "9188040d-6c67-4c5b-b112-36a304b66dad";
export const APPID = "4a1aa1d5-c567-49d0-ad0b-cd957a47f842";
export const OID = "6d2b4f8a-1e3c-4a5b-8c7d-9e0f1a2b3c4d";
export const MAILBOX = "shared-inbox@contoso.onmicrosoft.com";

export function claims(over: Partial<TokenClaims> = {}): TokenClaims {
  return {
    aud: "https://outlook.office.com",
    iss: `https://sts.windows.net/${TID}/`,
    tid: TID,
    appid: APPID,
    oid: OID,
    roles: ["POP.AccessAsApp", "IMAP.AccessAsApp", "SMTP.SendAsApp"],
    iat: NOW / 1000 - 300,
    nbf: NOW / 1000 - 300,
    exp: NOW / 1000 + 3300,
    ...over,
  };
}

export function options(over: Partial<DiagnosisOptions> = {}): DiagnosisOptions {
  return {
    tenantId: TID,
    clientId: APPID,
    mailbox: MAILBOX,
    protocol: "pop3",
    host: "outlook.office365.com",
    port: 995,
    tls: "implicit",
    cloud: "global",
    ...over,
  };
}

export function err(code: ErrorCode, message: string, serverReply?: string): XoauthError {
  return new XoauthError(code, message, serverReply ? { details: { serverReply } } : {});
}

/** All steps before `failAt` succeed; `failAt` fails with `error`. Without failAt every step succeeds. */
export function run(
  opts: { failAt?: StepId; error?: XoauthError; claims?: TokenClaims | null; options?: Partial<DiagnosisOptions> } = {},
): DiagnosisContext {
  const steps: DiagnosisStep[] = [];
  const graph = opts.options?.protocol === "graph";
  // Graph runs have no greeting/auth/logout; list and send-probe are Graph's own steps
  const skip = new Set<StepId>(graph ? ["tls", "greeting", "auth", "send", "logout"] : ["list", "send-probe", "send"]);
  for (const id of STEP_IDS) {
    if (skip.has(id) && opts.failAt !== id) continue;
    if (id === opts.failAt) {
      steps.push({ id, ok: false, ms: 5, detail: "failed", ...(opts.error ? { error: opts.error } : {}) });
      break;
    }
    steps.push({ id, ok: true, ms: 5, detail: "ok" });
  }
  const c = opts.claims === null ? undefined : (opts.claims ?? claims());
  return { steps, options: options(opts.options), ...(c ? { claims: c } : {}), now: NOW };
}
