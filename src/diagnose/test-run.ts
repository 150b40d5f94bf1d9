/**
 * One `test` run for one protocol: token -> claims -> the protocol probe, each step recorded, then the diagnosis.
 * A claims problem is recorded but the login is still attempted: the server's answer confirms it.
 */
import type { CloudName, Transport } from "../auth/clouds.js";
import { ROLE_FOR_PROTOCOL } from "../auth/clouds.js";
import { decodeJwt } from "../auth/jwt.js";
import type { AccessToken, TokenClaims } from "../auth/types.js";
import { cacheRefusedText } from "../config/privacy.js";
import { markSecret } from "../log/redact.js";
import type { TraceFn } from "../net/types.js";
import { diagnose } from "./engine.js";
import { claimFacts } from "./facts.js";
import { type GraphClientFactory, probeGraph } from "./probe/graph.js";
import { PROBES, StepFailed, StepRecorder, type StepText } from "./probe/run.js";
import type { MailServer } from "./server.js";
import { diagUi } from "./text.js";
import { type Diagnosis, type DiagnosisContext, type DiagnosisOptions, type DiagnosisStep, stepJson } from "./types.js";

export interface MailTestInput {
  protocol: Transport;
  mailbox: string;
  server: MailServer;
  cloud: CloudName;
  tenantId?: string;
  clientId?: string;
  scope?: string;
  ca?: string[];
  sendTestTo?: string;
  timeoutMs?: number;
  /** The already finished options step (settings resolution). */
  optionsStep?: DiagnosisStep;
  getToken: (opts?: { forceRefresh?: boolean }) => Promise<AccessToken>;
  /** Graph: the API root (`server` is its host and port), the proxy settings, and whether to probe sending. */
  graph?: {
    url: string;
    proxy?: string;
    noProxy?: string;
    checkSend?: boolean;
    /** For tests; default the Graph client. */
    createClient?: GraphClientFactory;
  };
  onStep?: (step: DiagnosisStep) => void;
  onTrace?: TraceFn;
}

/** The stable `--json` shape of the claims. */
export interface ClaimsJson {
  appid: string | null;
  oid: string | null;
  tid: string | null;
  aud: string | null;
  roles: string[] | null;
  exp: number | null;
}

export interface MailTestResult {
  ok: boolean;
  protocol: Transport;
  mailbox: string;
  server: MailServer;
  steps: DiagnosisStep[];
  claims: TokenClaims | undefined;
  diagnosis: Diagnosis;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

export function claimsJson(c: TokenClaims | undefined): ClaimsJson | null {
  if (!c) return null;
  return {
    appid: str(c.appid),
    oid: str(c.oid),
    tid: str(c.tid),
    aud: str(c.aud),
    roles: Array.isArray(c.roles) ? c.roles.filter((r) => typeof r === "string") : null,
    exp: typeof c.exp === "number" ? c.exp : null,
  };
}

/** The stable `test --json` object of one run (also what the library's testMailbox returns). */
export function mailTestJson(r: MailTestResult) {
  return {
    ok: r.ok,
    protocol: r.protocol,
    mailbox: r.mailbox,
    server: r.server,
    steps: r.steps.map(stepJson),
    claims: claimsJson(r.claims),
    diagnosis: r.diagnosis,
  };
}

/**
 * The first two steps of `test` and `send`: get the token (step "token"), decode it and check its claims for the
 * protocol (step "claims", recorded even when wrong: the server's answer confirms it). Sets ctx.claims.
 */
export async function tokenAndClaimsSteps(
  rec: StepRecorder,
  ctx: DiagnosisContext,
  getToken: () => Promise<AccessToken>,
): Promise<AccessToken> {
  const tok = await rec.run("token", getToken, tokenDetail);
  markSecret(tok.token);
  const t0 = Date.now();
  try {
    ctx.claims = decodeJwt(tok.token).claims;
  } catch (e) {
    throw rec.fail("claims", Date.now() - t0, e);
  }
  const checked = claimsDetail(ctx);
  rec.add("claims", checked.ok, Date.now() - t0, checked.detail);
  return tok;
}

/** The claims step: what the token proves for this protocol, or what is wrong with it (also used by `send`). */
export function claimsDetail(ctx: DiagnosisContext): { ok: boolean; detail: string } {
  const f = claimFacts(ctx);
  const c = ctx.claims;
  if (!f || !c) return { ok: false, detail: diagUi("step.detail.noClaims") };
  if (ctx.options.protocol === "graph") return graphClaimsDetail(f, str(c.oid) ?? "-", c.roles);
  const role = ROLE_FOR_PROTOCOL[ctx.options.protocol];
  const problems: string[] = [];
  if (!f.audOk) problems.push(diagUi("step.detail.audNotExchange", { aud: f.aud ?? "-" }));
  if (!f.hasRoles) problems.push(diagUi("step.detail.noRoles"));
  else if (!f.roleOk) problems.push(diagUi("step.detail.rolesLack", { role }));
  if (f.expired) problems.push(diagUi("step.detail.expiredAgo", { minutes: -(f.minutesLeft ?? 0) }));
  if (problems.length) return { ok: false, detail: problems.join("; ") };
  return {
    ok: true,
    detail: diagUi("step.detail.claimsOk", { aud: f.aud, role, minutes: f.minutesLeft, oid: str(c.oid) ?? "-" }),
  };
}

/**
 * Graph: the audience and the lifetime decide; missing Mail.* roles are noted, not failed (RBAC for Applications
 * grants are not in the token: learn.microsoft.com/exchange/permissions-exo/application-rbac).
 */
function graphClaimsDetail(
  f: NonNullable<ReturnType<typeof claimFacts>>,
  oid: string,
  roles: unknown,
): { ok: boolean; detail: string } {
  const problems: string[] = [];
  if (!f.audOk) problems.push(diagUi("step.detail.audNotGraph", { aud: f.aud ?? "-" }));
  if (f.expired) problems.push(diagUi("step.detail.expiredAgo", { minutes: -(f.minutesLeft ?? 0) }));
  if (problems.length) return { ok: false, detail: problems.join("; ") };
  const mail = Array.isArray(roles) ? roles.filter((r) => typeof r === "string" && r.startsWith("Mail.")) : [];
  const params = { aud: f.aud, roles: mail.join(", "), minutes: f.minutesLeft, oid };
  return { ok: true, detail: diagUi(mail.length ? "step.detail.graphClaims" : "step.detail.graphNoRoles", params) };
}

/** The token step's detail: where the token came from and how long it lasts; a refused cache directory as its note. */
export function tokenDetail(t: AccessToken): string | StepText {
  const minutes = Math.floor((t.expiresOn.getTime() - Date.now()) / 60_000);
  const where = diagUi(t.fromCache ? "step.detail.tokenCache" : "step.detail.tokenEndpoint", { minutes });
  return t.cacheRefused ? { detail: where, note: cacheRefusedText(t.cacheRefused) } : where;
}

async function runGraphProbe(input: MailTestInput, rec: StepRecorder): Promise<void> {
  const g = input.graph;
  if (!g) throw new Error("runMailTest: a Graph run needs input.graph");
  await probeGraph(
    {
      graphUrl: g.url,
      mailbox: input.mailbox,
      tokenProvider: { getToken: (o) => input.getToken(o) },
      ...(input.ca ? { ca: input.ca } : {}),
      ...(g.proxy ? { proxy: g.proxy } : {}),
      ...(g.noProxy ? { noProxy: g.noProxy } : {}),
      ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
      ...(g.checkSend ? { checkSend: true } : {}),
      ...(input.onTrace ? { onTrace: input.onTrace } : {}),
      ...(g.createClient ? { createClient: g.createClient } : {}),
    },
    rec,
  );
}

export async function runMailTest(input: MailTestInput): Promise<MailTestResult> {
  const rec = new StepRecorder(input.onStep);
  const options: DiagnosisOptions = {
    mailbox: input.mailbox,
    protocol: input.protocol,
    host: input.server.host,
    port: input.server.port,
    tls: input.server.tls,
    cloud: input.cloud,
    ...(input.tenantId ? { tenantId: input.tenantId } : {}),
    ...(input.clientId ? { clientId: input.clientId } : {}),
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.sendTestTo ? { sendTestTo: input.sendTestTo } : {}),
    ...(input.graph ? { graphUrl: input.graph.url } : {}),
  };
  const ctx: DiagnosisContext = { steps: rec.steps, options };
  if (input.optionsStep) rec.add("options", true, input.optionsStep.ms, input.optionsStep.detail);
  try {
    const tok = await tokenAndClaimsSteps(rec, ctx, () => input.getToken());
    if (input.protocol === "graph") await runGraphProbe(input, rec);
    else
      await PROBES[input.protocol](
        {
          protocol: input.protocol,
          host: input.server.host,
          port: input.server.port,
          tls: input.server.tls,
          mailbox: input.mailbox,
          token: tok.token,
          ...(input.ca ? { ca: input.ca } : {}),
          ...(input.sendTestTo ? { sendTestTo: input.sendTestTo } : {}),
          ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
          ...(input.onTrace ? { onTrace: input.onTrace } : {}),
        },
        rec,
      );
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
  }
  const diagnosis = diagnose(ctx);
  return {
    ok: diagnosis.code === "OK",
    protocol: input.protocol,
    mailbox: input.mailbox,
    server: input.server,
    steps: rec.steps,
    claims: ctx.claims,
    diagnosis,
  };
}
