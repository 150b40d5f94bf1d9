/**
 * One table of Exchange Online's behaviour, as data: the situations an admin can get wrong (SITUATIONS), the distinct
 * replies they produce per protocol (REPLIES) with the step where they surface, the exact lines, a matcher for
 * classifiers, the diagnosis code and whether the failure is permanent or temporary, each with its public source.
 * The sandbox fake renders its replies from here, the classifiers match with it. docs/exchange-behaviour.md explains
 * the facts and shows this table (rendered by src/exchange/render-doc.ts). Pure: no I/O.
 */
import type { MailProtocol } from "../auth/clouds.js";
import { REPLIES } from "./replies.js";
import { SITUATIONS } from "./situations.js";
import type { ContractCode, Kind, ReplyId, ReplyRow, Situation, SituationId, Step, WireReply } from "./types.js";

export { REPLIES } from "./replies.js";
export { SITUATIONS } from "./situations.js";
export { SRC } from "./sources.js";
export * from "./types.js";

export const PROTOCOLS: readonly MailProtocol[] = ["pop3", "imap", "smtp"];

/** Values for the placeholders of reply templates when the caller gives none. */
export const DEFAULT_VARS: Readonly<Record<string, string>> = {
  tag: "A1",
  host: "outlook.office365.com",
  user: "mailbox@contoso.onmicrosoft.com",
  from: "other@contoso.onmicrosoft.com",
  limit: "10",
  ms: "299961",
};

/** Exchange Online's greetings and capabilities (what the fake sends before login). */
export const EXCHANGE_SERVICE = {
  pop3: {
    greeting: "+OK The Microsoft Exchange POP3 service is ready. [{serverId}]",
    capa: ["TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER"],
    authOk: "+OK User successfully authenticated.",
  },
  imap: {
    greeting: "* OK The Microsoft Exchange IMAP4 service is ready. [{serverId}]",
    capability:
      "IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+",
    authOk: "{tag} OK AUTHENTICATE completed.",
  },
  smtp: { authOk: "235 2.7.0 Authentication successful" },
} as const;

/**
 * What the proxy answers its own client when the upstream login failed (RFC 3206 for POP3, RFC 5530 for IMAP,
 * RFC 4954 for SMTP). `notAuthorized`: IMAP's "authenticated but not connected" (RFC 5530 AUTHORIZATIONFAILED).
 */
export const PROXY_REPLIES = {
  temporary: {
    pop3: "-ERR [SYS/TEMP] The mail server is unavailable, try again later.",
    imap: "{tag} NO [UNAVAILABLE] The mail server is unavailable, try again later.",
    smtp: "454 4.7.0 Temporary authentication failure, try again later.",
  },
  permanent: {
    pop3: "-ERR [AUTH] Authentication failed.",
    imap: "{tag} NO [AUTHENTICATIONFAILED] Authentication failed.",
    smtp: "535 5.7.8 Authentication credentials invalid.",
  },
  notAuthorized: {
    pop3: "-ERR [AUTH] Authentication failed.",
    imap: "{tag} NO [AUTHORIZATIONFAILED] Logged in, but the mailbox is not accessible to this application.",
    smtp: "535 5.7.8 Authentication credentials invalid.",
  },
} as const satisfies Record<string, Record<MailProtocol, string>>;

const REPLY_BY_ID = new Map(REPLIES.map((r) => [r.id, r]));
const SITUATION_BY_ID = new Map(SITUATIONS.map((s) => [s.id, s]));

export function replyRow(id: ReplyId): ReplyRow {
  const r = REPLY_BY_ID.get(id);
  if (!r) throw new Error(`unknown Exchange reply ${id}`);
  return r;
}

export function situation(id: SituationId): Situation {
  const s = SITUATION_BY_ID.get(id);
  if (!s) throw new Error(`unknown Exchange situation ${id}`);
  return s;
}

/** Fills `{name}` placeholders; unknown names keep their default (DEFAULT_VARS). */
export function renderLine(template: string, vars: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? DEFAULT_VARS[k] ?? m);
}

/** The template lines of one reply on one protocol: Exchange's own, else the first known equivalent. */
export function replyTemplate(w: WireReply): readonly string[] {
  const lines = w.exchange ?? w.others?.[0]?.lines;
  if (!lines) throw new Error("reply without lines");
  return lines;
}

function isSituationId(id: string): id is SituationId {
  return SITUATION_BY_ID.has(id as SituationId);
}

/** The exact reply line(s) for a situation or reply id on one protocol, placeholders filled. */
export function replyFor(
  id: SituationId | ReplyId,
  protocol: MailProtocol,
  vars: Readonly<Record<string, string>> = {},
): string[] {
  let templates: readonly string[];
  if (isSituationId(id)) {
    const e = situation(id).protocols[protocol];
    if (!e) throw new Error(`situation ${id} does not apply to ${protocol}`);
    const w = replyRow(e.reply).protocols[protocol] as WireReply;
    templates = e.lines ?? replyTemplate(w);
  } else {
    const w = replyRow(id).protocols[protocol];
    if (!w) throw new Error(`reply ${id} does not apply to ${protocol}`);
    templates = replyTemplate(w);
  }
  return templates.map((t) => renderLine(t, vars));
}

/** One reply line as matchers see it: no CR/LF; IMAP without its tag or `*` (`A1 NO x` -> `NO x`). */
export function normaliseReply(protocol: MailProtocol, line: string): string {
  const l = line.replace(/[\r\n]+$/, "");
  if (protocol !== "imap") return l;
  const m = /^(?:\*|[^\s(){%*"\\\]]+) ((?:OK|NO|BAD|BYE|PREAUTH)\b.*)$/is.exec(l);
  return m ? (m[1] as string) : l;
}

/**
 * The reply row a server line stands for, or undefined when the table does not know it. `step` narrows to replies
 * that surface there (omit it to match at any step).
 */
export function classifyReply(protocol: MailProtocol, step: Step | undefined, replyText: string): ReplyRow | undefined {
  const text = normaliseReply(protocol, replyText);
  return REPLIES.find((r) => {
    const w = r.protocols[protocol];
    return !!w && (step === undefined || w.steps.includes(step)) && w.match.test(text);
  });
}

/** The situations that apply to a protocol, in table order. */
export function rowsFor(protocol: MailProtocol): Situation[] {
  return SITUATIONS.filter((s) => s.protocols[protocol] !== undefined);
}

/** The situations a reply can stand for on a protocol (the diagnosis picks one with the token's claims). */
export function situationsFor(reply: ReplyId, protocol: MailProtocol): Situation[] {
  return SITUATIONS.filter((s) => s.protocols[protocol]?.reply === reply);
}

/** The diagnosis code of a situation on a protocol. */
export function situationCode(s: Situation, protocol: MailProtocol): ContractCode {
  const e = s.protocols[protocol];
  if (!e) throw new Error(`situation ${s.id} does not apply to ${protocol}`);
  return e.code ?? s.code ?? replyRow(e.reply).code;
}

/** Whether a situation is permanent or temporary (its reply decides). */
export function situationKind(s: Situation, protocol: MailProtocol): Kind {
  const e = s.protocols[protocol];
  if (!e) throw new Error(`situation ${s.id} does not apply to ${protocol}`);
  return replyRow(e.reply).kind;
}

/** What the proxy tells its client for an upstream reply of this row. */
export function proxyReplyFor(
  row: ReplyRow,
  protocol: MailProtocol,
  vars: Readonly<Record<string, string>> = {},
): string {
  const kind = row.kind === "temporary" ? "temporary" : row.id === "not-connected" ? "notAuthorized" : "permanent";
  return renderLine(PROXY_REPLIES[kind][protocol], vars);
}
