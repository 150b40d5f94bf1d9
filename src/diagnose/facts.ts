/** Facts derived once from a DiagnosisContext: the failed step, what the token claims prove, the fill-in values. */
import {
  CLOUDS,
  defaultScopeFor,
  GRAPH_READ_ROLES,
  GRAPH_SEND_ROLE,
  isExchangeAudience,
  isGraphAudience,
  ROLE_FOR_PROTOCOL,
  TRANSPORT_NAME,
  type Transport,
} from "../auth/clouds.js";
import type { XoauthError } from "../errors.js";
import { certProblem } from "./probe/tls-detail.js";
import { diagUi } from "./text.js";
import type { DiagnosisContext, DiagnosisStep } from "./types.js";

export interface ClaimFacts {
  aud: string | undefined;
  /** aud is the transport's (Exchange Online, or Graph for graph), or the resource of an explicitly requested scope. */
  audOk: boolean;
  audIsGraph: boolean;
  audIsExchange: boolean;
  /** The token has a `roles` claim at all (absent = admin consent never granted, or Graph RBAC for Applications). */
  hasRoles: boolean;
  /** The protocol's role (Graph: any Mail.* read role) is in the token. */
  roleOk: boolean;
  /** Graph: Mail.Send is in the token. */
  sendRoleOk: boolean;
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

const CAS_FLAG = { pop3: "PopEnabled", imap: "ImapEnabled", smtp: "SmtpClientAuthenticationDisabled" } as const;

/** The role a transport needs: the Exchange permission, or Graph's Mail.Read (Mail.ReadWrite / ReadBasic also do). */
function roleFor(t: Transport): string {
  return t === "graph" ? "Mail.Read" : ROLE_FOR_PROTOCOL[t];
}

function resourceOf(scope: string | undefined): string | undefined {
  return scope?.replace(/\/\.default$/, "").replace(/\/+$/, "");
}

export function claimFacts(ctx: DiagnosisContext): ClaimFacts | undefined {
  const c = ctx.claims;
  if (!c) return undefined;
  const { protocol, cloud, scope } = ctx.options;
  const aud = typeof c.aud === "string" ? c.aud : undefined;
  const audIsGraph = isGraphAudience(aud);
  const audIsExchange = isExchangeAudience(aud);
  const requested = resourceOf(scope ?? defaultScopeFor(CLOUDS[cloud], protocol));
  const extra = requested ? [requested] : [];
  const audOk =
    protocol === "graph"
      ? audIsGraph || (!audIsExchange && isExchangeAudience(aud, extra))
      : !audIsGraph && isExchangeAudience(aud, extra);
  const roles = Array.isArray(c.roles) ? c.roles.filter((r): r is string => typeof r === "string") : undefined;
  const now = ctx.now ?? Date.now();
  const minutesLeft = typeof c.exp === "number" ? Math.floor((c.exp * 1000 - now) / 60_000) : undefined;
  return {
    aud,
    audOk,
    audIsGraph,
    audIsExchange,
    hasRoles: roles !== undefined && roles.length > 0,
    roleOk:
      protocol === "graph"
        ? !!roles?.some((r) => GRAPH_READ_ROLES.includes(r))
        : !!roles?.includes(ROLE_FOR_PROTOCOL[protocol]),
    sendRoleOk: !!roles?.includes(GRAPH_SEND_ROLE),
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
  const role = roleFor(o.protocol);
  const cloud = CLOUDS[o.cloud];
  const params: Record<string, string | number | undefined> = {
    ...(error?.details.params ?? {}),
    tenantId: (typeof c?.tid === "string" ? c.tid : undefined) ?? o.tenantId,
    appid: (typeof c?.appid === "string" ? c.appid : undefined) ?? o.clientId,
    clientId: (typeof c?.appid === "string" ? c.appid : undefined) ?? o.clientId,
    oid: typeof c?.oid === "string" ? c.oid : undefined,
    mailbox: o.mailbox,
    protocol: o.protocol,
    protocolName: TRANSPORT_NAME[o.protocol],
    casFlag: o.protocol === "graph" ? undefined : CAS_FLAG[o.protocol],
    role,
    host: o.host,
    port: o.port,
    tls: o.tls,
    scope: defaultScopeFor(cloud, o.protocol),
    exchangeScope: cloud.scope,
    graphScope: cloud.graphScope,
    requestedScope: o.scope ?? defaultScopeFor(cloud, o.protocol),
    graphUrl: o.graphUrl ?? cloud.graphUrl,
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
