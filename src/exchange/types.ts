/** Types of the Exchange behaviour table (src/exchange/contract.ts), and the names of the sandbox scenarios. */
import type { MailProtocol } from "../auth/clouds.js";
import type { ErrorCode } from "../errors.js";

/** The diagnosis code of a reply or situation: one of src/errors.ts (SERVER_BUSY for temporary refusals). */
export type ContractCode = ErrorCode;

/** Permanent: retrying with the same setup fails again. Temporary: retrying later (with a fresh token) can work. */
export type Kind = "permanent" | "temporary";

/**
 * Where a reply surfaces. `mailbox`: the first command that opens the mailbox after a successful login (IMAP LIST,
 * LSUB, SELECT, EXAMINE, STATUS, NAMESPACE); `session`: any later command of a logged-in session.
 */
export type Step = "greeting" | "auth" | "mailbox" | "session" | "mail-from" | "data";

/** A public URL (Microsoft doc, RFC, public issue thread), `observed: <what>` or `UNCONFIRMED: <why>`. */
export type Source = string;

/** The ids of the distinct replies on the wire (one reply can stand for several situations). */
export type ReplyId =
  | "auth-failed"
  | "not-connected"
  | "smtp-auth-disabled-tenant"
  | "smtp-auth-disabled-mailbox"
  | "smtp-auth-refused"
  | "send-as-denied"
  | "session-expired"
  | "connection-limit"
  | "server-busy"
  | "mechanism-unsupported";

/** The ids of the situations (what is wrong, in the directory or on the server). */
export type SituationId =
  | "no-consent"
  | "role-missing"
  | "sp-missing"
  | "sp-app-object-id"
  | "mailbox-not-found"
  | "no-fullaccess"
  | "no-mailbox-permission"
  | "pop-disabled"
  | "imap-disabled"
  | "smtp-auth-disabled-tenant"
  | "smtp-auth-disabled-mailbox"
  | "basic-auth"
  | "pop3-one-line-auth"
  | "wrong-audience"
  | "token-expired-at-login"
  | "token-expired-in-session"
  | "connection-limit"
  | "server-busy"
  | "send-as-denied"
  | "xoauth2-not-offered"
  | "graph-no-consent"
  | "graph-no-send"
  | "graph-aap-excluded"
  | "graph-rbac-out-of-scope";

/** The misconfigurations `sandbox --scenario` can start with, in `sandbox --help` order (CLI values: stable names). */
export const SCENARIO_NAMES = [
  "no-fullaccess",
  "sp-app-object-id",
  "sp-missing",
  "no-consent",
  "pop-disabled",
  "imap-disabled",
  "smtp-auth-disabled",
  "no-sendas",
  "graph-no-consent",
  "graph-no-send",
  "graph-aap-excluded",
  "graph-rbac-out-of-scope",
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** How one protocol answers. Lines are templates: {tag} {host} {user} {from} {limit} {ms}. */
export interface WireReply {
  steps: readonly Step[];
  /** The exact line(s) Exchange Online sends; absent when nobody has published them. */
  exchange?: readonly string[];
  /** What other servers send for the same thing (Dovecot 2.3, RFC example texts). */
  others?: readonly { server: string; lines: readonly string[] }[];
  /** Matches one normalised reply line (see normaliseReply): Exchange's text and the equivalents above. */
  match: RegExp;
  sources: readonly Source[];
}

/** One distinct reply: what a classifier can know from the wire alone. */
export interface ReplyRow {
  id: ReplyId;
  title: string;
  /** The code a classifier reports from this reply alone. */
  code: ContractCode;
  kind: Kind;
  protocols: Partial<Record<MailProtocol, WireReply>>;
}

/** How one situation shows on one protocol. */
export interface SituationEntry {
  reply: ReplyId;
  /** Exact lines when they differ from the reply's Exchange lines (still classified as `reply`). */
  lines?: readonly string[];
  /** The diagnosis code when it differs from the situation's (e.g. IMAP finds no FullAccess only after login). */
  code?: ContractCode;
}

/** One situation: the directory state or server condition, how each protocol shows it, and what to diagnose. */
export interface Situation {
  id: SituationId;
  title: string;
  /** The admin-side state that causes it (PowerShell / portal wording). */
  cause: string;
  /** The sandbox scenario that sets it up, where there is one (src/sandbox/local-tenant.ts). */
  scenario?: ScenarioName;
  /** The diagnosis code when the facts (token claims, directory) are known; default: the reply's code. */
  code?: ContractCode;
  protocols: Partial<Record<MailProtocol, SituationEntry>>;
  /**
   * How Microsoft Graph shows it: the row of src/exchange/graph-replies.ts (its id) and the first operation that
   * gets it (`read`: listing the inbox; `send`: sendMail). POP3/IMAP/SMTP are unaffected unless listed above.
   */
  graph?: { reply: string; operation: "read" | "send" };
  sources: readonly Source[];
}
