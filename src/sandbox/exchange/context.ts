/** What every protocol server of the Exchange fake shares: directory, trust, TLS, faults and the auth log. */
import { randomBytes } from "node:crypto";
import type { SecureContext } from "node:tls";
import type { MailProtocol } from "../../auth/clouds.js";
import type { ExchangeDirectory } from "./directory.js";
import { type AuthDecision, type AuthFailureReason, checkAccess, type IdentityTrust } from "./token-check.js";

/** Fault injection for client tests. Mutable at any time. */
export interface ExchangeFaults {
  /** Drop the connection after N bytes of a message body (POP3 RETR/TOP, IMAP FETCH body). */
  dropAfterBytes?: number;
  /** Pause this long in the middle of every message body sent. */
  stallMs?: number;
  /** The next N authentication attempts (any protocol) fail with the generic failure text. */
  failAuthTimes: number;
  /**
   * IMAP: after this many more message bodies sent (on any session), that session's token counts as expired: the
   * BYE of imap-expiry.ts follows the complete FETCH response, in the middle of the command. Cleared once it fired.
   */
  expireAfterBodies?: number;
  /**
   * The next N authentications (any protocol) are refused as by a busy server: the table's `server-busy` reply
   * (POP3 `-ERR Server Unavailable. 21`, IMAP `BAD Request is throttled ...`, SMTP `421 4.3.2 ...`).
   */
  busyTimes?: number;
  /**
   * At most this many logged-in sessions per mailbox (all protocols); one more is refused with the table's
   * `connection-limit` reply until one of them closes. Unset: no limit.
   */
  maxSessionsPerMailbox?: number;
}

/** An IMAP session the fake ended because its token expired (imap-expiry.ts). */
export interface ExpiryEntry {
  at: Date;
  user: string;
  /** What the session was doing: the command being answered (`IDLE`, `UID`, ...) or `waiting`. */
  during: string;
}

export interface AuthLogEntry {
  at: Date;
  protocol: MailProtocol;
  user: string;
  ok: boolean;
  reason?: AuthFailureReason | "basic_auth_disabled" | "one_line_auth" | "send_as_denied";
  detail?: string;
  /** The token's appid/oid, if decodable (never the token itself). */
  appid?: string;
  oid?: string;
}

export interface ServerContext {
  directory: ExchangeDirectory;
  trust: IdentityTrust;
  /** Host name shown in SMTP replies (`[host]`) and the greeting's server id. */
  hostName: string;
  secureContext: SecureContext;
  tls: { cert: string; key: string };
  faults: ExchangeFaults;
  log: AuthLogEntry[];
  /** Sessions ended at token expiry (bounded like `log`). */
  expiries: ExpiryEntry[];
  /** Open IMAP sessions that are logged in (ExchangeFake.expireSessions). */
  loggedIn: Set<{ expire(): void; readonly busy: string | undefined }>;
  /** Max command line from a client (bytes). */
  maxLine: number;
  /** Logged-in sessions per mailbox address (faults.maxSessionsPerMailbox). */
  sessions: Map<string, number>;
}

/** A base64-ish server id like EXO's greetings carry, e.g. `[UABSADAAMQBDAEEAMAAwADAAMgAuAG...]`. */
export function serverId(hostName: string): string {
  const label = `${hostName.split(".")[0]?.toUpperCase() ?? "HOST"}${randomBytes(3).toString("hex").toUpperCase()}`;
  return Buffer.from(`${label}.PROD.OUTLOOK.COM`, "utf16le").toString("base64");
}

/**
 * Runs the authorization model, applies the faults (failAuthTimes, busyTimes, maxSessionsPerMailbox) and records
 * the decision. A successful decision holds one session of the mailbox until `release` (call it once, at close).
 */
export function authorize(ctx: ServerContext, protocol: MailProtocol, user: string, token: string): AuthDecision {
  let d = checkAccess({ user, token, protocol, directory: ctx.directory, trust: ctx.trust });
  const f = ctx.faults;
  if (f.failAuthTimes > 0) {
    f.failAuthTimes--;
    d = { ok: false, reason: "injected_fault", detail: "faults.failAuthTimes" };
  } else if ((f.busyTimes ?? 0) > 0) {
    f.busyTimes = (f.busyTimes ?? 1) - 1;
    d = { ok: false, reason: "server_busy", detail: "faults.busyTimes" };
  } else if (d.ok && f.maxSessionsPerMailbox !== undefined) {
    const open = ctx.sessions.get(d.mailbox.address) ?? 0;
    if (open >= f.maxSessionsPerMailbox) {
      const { claims, sp, mailbox } = d;
      d = { ok: false, reason: "connection_limit", detail: `${open} sessions open`, claims, sp, mailbox };
    }
  }
  if (d.ok) ctx.sessions.set(d.mailbox.address, (ctx.sessions.get(d.mailbox.address) ?? 0) + 1);
  const claims = d.claims;
  record(ctx, {
    protocol,
    user,
    ok: d.ok,
    ...(d.ok ? {} : { reason: d.reason, detail: d.detail }),
    ...(claims?.appid ? { appid: String(claims.appid) } : {}),
    ...(claims?.oid ? { oid: String(claims.oid) } : {}),
  });
  return d;
}

/** Gives back the session a successful `authorize` held (when the connection closes). */
export function release(ctx: ServerContext, address: string): void {
  const n = (ctx.sessions.get(address) ?? 0) - 1;
  if (n > 0) ctx.sessions.set(address, n);
  else ctx.sessions.delete(address);
}

const MAX_RECORDS = 10_000;

export function record(ctx: ServerContext, e: Omit<AuthLogEntry, "at">): void {
  if (ctx.log.length >= MAX_RECORDS) ctx.log.shift();
  ctx.log.push({ at: new Date(), ...e });
}

export function recordExpiry(ctx: ServerContext, user: string, during: string): void {
  if (ctx.expiries.length >= MAX_RECORDS) ctx.expiries.shift();
  ctx.expiries.push({ at: new Date(), user, during });
}
