/** Facts derived once from a DiagnosisContext: the failed step, what the token claims prove, the fill-in values. */
import { CLOUDS, GRAPH_AUDIENCES, isExchangeAudience, ROLE_FOR_PROTOCOL } from "../auth/clouds.js";
import type { XoauthError } from "../errors.js";
import { certProblem } from "./probe/tls-detail.js";
import { diagUi } from "./text.js";
import type { DiagnosisContext, DiagnosisStep } from "./types.js";

export interface ClaimFacts {
  aud: string | undefined;
  /** aud is Exchange Online's (or the resource of an explicitly requested scope). */
  audOk: boolean;
  audIsGraph: boolean;
  /** The token has a `roles` claim at all (absent = admin consent never granted). */
  hasRoles: boolean;
  roleOk: boolean;
  expired: boolean;
  /** Minutes until expiry (negative when expired). */
  minutesLeft: number | undefined;
}

export interface Facts {
  failed: DiagnosisStep | undefined;
  error: XoauthError | undefined;
  /** Server reply of the failing error, lower-cased, for text heuristics. */
  reply: string;
  claims: ClaimFacts | undefined;
  role: string;
  params: Record<string, string | number | undefined>;
}

const PROTOCOL_NAME = { pop3: "POP3", imap: "IMAP", smtp: "SMTP" } as const;
const CAS_FLAG = { pop3: "PopEnabled", imap: "ImapEnabled", smtp: "SmtpClientAuthenticationDisabled" } as const;

function resourceOf(scope: string | undefined): string | undefined {
  return scope?.replace(/\/\.default$/, "").replace(/\/+$/, "");
}

export function claimFacts(ctx: DiagnosisContext): ClaimFacts | undefined {
  const c = ctx.claims;
  if (!c) return undefined;
  const { protocol, cloud, scope } = ctx.options;
  const aud = typeof c.aud === "string" ? c.aud : undefined;
  const norm = aud?.replace(/\/+$/, "").toLowerCase();
  const audIsGraph = !!norm && GRAPH_AUDIENCES.some((g) => g.toLowerCase() === norm);
  const requested = resourceOf(scope ?? CLOUDS[cloud].scope);
  const extra = requested ? [requested] : [];
  const audOk = !audIsGraph && isExchangeAudience(aud, extra);
  const roles = Array.isArray(c.roles) ? c.roles.filter((r): r is string => typeof r === "string") : undefined;
  const now = ctx.now ?? Date.now();
  const minutesLeft = typeof c.exp === "number" ? Math.floor((c.exp * 1000 - now) / 60_000) : undefined;
  return {
    aud,
    audOk,
    audIsGraph,
    hasRoles: roles !== undefined && roles.length > 0,
    roleOk: !!roles?.includes(ROLE_FOR_PROTOCOL[protocol]),
    expired: typeof c.exp === "number" && c.exp * 1000 <= now,
    minutesLeft,
  };
}

export function deriveFacts(ctx: DiagnosisContext): Facts {
  // claims problems are judged from the claims themselves; the first other failed step carries the error
  const failed = ctx.steps.find((s) => !s.ok && s.id !== "claims");
  const error = failed?.error;
  const o = ctx.options;
  const c = ctx.claims;
  const claims = claimFacts(ctx);
  const role = ROLE_FOR_PROTOCOL[o.protocol];
  const params: Record<string, string | number | undefined> = {
    ...(error?.details.params ?? {}),
    tenantId: (typeof c?.tid === "string" ? c.tid : undefined) ?? o.tenantId,
    appid: (typeof c?.appid === "string" ? c.appid : undefined) ?? o.clientId,
    clientId: (typeof c?.appid === "string" ? c.appid : undefined) ?? o.clientId,
    oid: typeof c?.oid === "string" ? c.oid : undefined,
    mailbox: o.mailbox,
    protocol: o.protocol,
    protocolName: PROTOCOL_NAME[o.protocol],
    casFlag: CAS_FLAG[o.protocol],
    role,
    host: o.host,
    port: o.port,
    tls: o.tls,
    scope: CLOUDS[o.cloud].scope,
    requestedScope: o.scope ?? CLOUDS[o.cloud].scope,
    aud: claims?.aud ?? "-",
    roles: Array.isArray(c?.roles) && c.roles.length ? c.roles.join(", ") : "-",
    minutesLeft: claims?.minutesLeft,
    minutesAgo: claims?.minutesLeft === undefined ? undefined : -claims.minutesLeft,
    sendTestTo: o.sendTestTo,
    stepName: failed ? diagUi(`step.${failed.id}`) : undefined,
    opensslConnect: `-connect ${o.host}:${o.port}${o.tls === "starttls" ? ` -starttls ${o.protocol}` : ""}`,
    serverReply: error?.details.serverReply ?? error?.message,
    errorMessage: error?.message,
    certProblem: certProblem(error) ?? error?.message,
  };
  return {
    failed,
    error,
    reply: (error?.details.serverReply ?? error?.message ?? "").toLowerCase(),
    claims,
    role,
    params,
  };
}

/** True when the token proves consent is fine: Exchange audience, the protocol's role, not expired. */
export function tokenLooksRight(f: Facts): boolean {
  return !!f.claims && f.claims.audOk && f.claims.roleOk && !f.claims.expired;
}
