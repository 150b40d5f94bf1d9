/** IMAP commands of the Selected state (RFC 3501 section 6.4, UIDPLUS RFC 4315, MOVE RFC 6851, IDLE RFC 2177). */

import { type ImapToken, str } from "../../server/imap-command.js";
import type { ServerConn } from "./conn.js";
import { writeBody } from "./conn.js";
import type { ExchangeFaults } from "./context.js";
import type { ExchangeDirectory, FakeMailbox, StoredMessage } from "./directory.js";
import { fetchItems, flagList, renderFetch } from "./imap-fetch.js";
import { parseSequenceSet } from "./imap-parser.js";

export const BAD_ARGS = "BAD Command Argument Error. 11";

/** The narrow view of a session these commands work on. */
export interface SelectedSession {
  conn: ServerConn;
  directory: ExchangeDirectory;
  faults: ExchangeFaults;
  mailbox: FakeMailbox;
  folder: string;
  /** Messages as this session has announced them (sequence number = index + 1). */
  view: StoredMessage[];
  readOnly: boolean;
  send(line: string): void;
  /** Ends the session as Exchange does when the login token expires (BYE, close). */
  expire(): void;
}

function pick(s: SelectedSession, set: string | undefined, uid: boolean): [number, StoredMessage][] | undefined {
  if (!set) return undefined;
  const maxUid = s.view.reduce((a, m) => Math.max(a, m.uid), 0);
  const pred = parseSequenceSet(set, uid ? maxUid : s.view.length);
  if (!pred) return undefined;
  const all = s.view.map((m, i) => [i + 1, m] as [number, StoredMessage]);
  return all.filter(([n, m]) => pred(uid ? m.uid : n));
}

/** Announces messages delivered since the view was taken (`* n EXISTS`). */
export function syncNew(s: SelectedSession): void {
  const folder = s.mailbox.folders.get(s.folder) ?? [];
  const known = new Set(s.view);
  const added = folder.filter((m) => !known.has(m));
  if (!added.length) return;
  s.view.push(...added);
  s.send(`* ${s.view.length} EXISTS`);
}

export async function fetch(s: SelectedSession, tag: string, args: ImapToken[], uid: boolean): Promise<boolean> {
  const msgs = pick(s, str(args[0]), uid);
  const items = fetchItems(args[1]);
  if (!msgs || !items) return reply(s, tag, BAD_ARGS);
  for (const [seq, m] of msgs) {
    const r = renderFetch(seq, m, items, uid);
    if (!r) return reply(s, tag, BAD_ARGS);
    if (r.setsSeen && !s.readOnly) m.flags.add("\\Seen");
    for (const p of r.pieces) {
      if ("text" in p) s.conn.write(p.text);
      else if (!(await writeBody(s.conn, p.literal, s.faults))) return false;
    }
    if (r.pieces.length > 1 && s.faults.expireAfterBodies !== undefined && --s.faults.expireAfterBodies <= 0) {
      delete s.faults.expireAfterBodies;
      s.expire();
      return false;
    }
  }
  return reply(s, tag, `OK ${uid ? "UID " : ""}FETCH completed.`);
}

export function search(s: SelectedSession, tag: string, args: ImapToken[], uid: boolean): boolean {
  let msgs = s.view.map((m, i) => [i + 1, m] as [number, StoredMessage]);
  const keys = [...args];
  if (str(keys[0])?.toUpperCase() === "CHARSET") keys.splice(0, 2);
  for (let i = 0; i < keys.length; i++) {
    const k = str(keys[i])?.toUpperCase() ?? "";
    const flagKeys: Record<string, [string, boolean]> = {
      SEEN: ["\\Seen", true],
      UNSEEN: ["\\Seen", false],
      DELETED: ["\\Deleted", true],
      UNDELETED: ["\\Deleted", false],
      FLAGGED: ["\\Flagged", true],
      UNFLAGGED: ["\\Flagged", false],
    };
    const fk = flagKeys[k];
    if (k === "ALL") continue;
    if (fk) msgs = msgs.filter(([, m]) => m.flags.has(fk[0]) === fk[1]);
    else if (k === "UID" || /^[\d*:,]+$/.test(k)) {
      const set = k === "UID" ? str(keys[++i]) : k;
      const chosen = pick(s, set, k === "UID");
      if (!chosen) return reply(s, tag, BAD_ARGS);
      const ok = new Set(chosen.map(([, m]) => m));
      msgs = msgs.filter(([, m]) => ok.has(m));
    } else return reply(s, tag, BAD_ARGS);
  }
  s.send(`* SEARCH${msgs.map(([n, m]) => ` ${uid ? m.uid : n}`).join("")}`);
  return reply(s, tag, `OK ${uid ? "UID " : ""}SEARCH completed.`);
}

export function store(s: SelectedSession, tag: string, args: ImapToken[], uid: boolean): boolean {
  const msgs = pick(s, str(args[0]), uid);
  const op = str(args[1])?.toUpperCase() ?? "";
  const flagsTok = args[2];
  const flags = flagsTok?.t === "list" ? flagsTok.v.map((t) => str(t) ?? "") : flagsTok ? [str(flagsTok) ?? ""] : [];
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(op);
  if (!msgs || !m || !flags.every((f) => /^\\?[A-Za-z$]\w*$/.test(f))) return reply(s, tag, BAD_ARGS);
  if (s.readOnly) return reply(s, tag, "NO Command received in Invalid state.");
  for (const [seq, msg] of msgs) {
    if (m[1] === "") msg.flags = new Set(flags);
    for (const f of flags) m[1] === "-" ? msg.flags.delete(f) : msg.flags.add(f);
    if (!m[2]) s.send(`* ${seq} FETCH (FLAGS ${flagList(msg)}${uid ? ` UID ${msg.uid}` : ""})`);
  }
  return reply(s, tag, `OK ${uid ? "UID " : ""}STORE completed.`);
}

/** Removes \Deleted messages (optionally only those in `only`); sends EXPUNGE unless silent. */
export function expungeMessages(s: SelectedSession, only?: Set<StoredMessage>, silent = false): number[] {
  const uids: number[] = [];
  for (let i = s.view.length - 1; i >= 0; i--) {
    const m = s.view[i] as StoredMessage;
    if (!m.flags.has("\\Deleted") || (only && !only.has(m))) continue;
    s.view.splice(i, 1);
    const folder = s.mailbox.folders.get(s.folder) ?? [];
    s.mailbox.folders.set(
      s.folder,
      folder.filter((x) => x !== m),
    );
    uids.push(m.uid);
    if (!silent) s.send(`* ${i + 1} EXPUNGE`);
  }
  return uids;
}

export function expunge(s: SelectedSession, tag: string, args: ImapToken[], uid: boolean): boolean {
  if (s.readOnly) return reply(s, tag, "NO Command received in Invalid state.");
  let only: Set<StoredMessage> | undefined;
  if (uid) {
    const msgs = pick(s, str(args[0]), true);
    if (!msgs) return reply(s, tag, BAD_ARGS);
    only = new Set(msgs.map(([, m]) => m));
  }
  expungeMessages(s, only);
  return reply(s, tag, `OK ${uid ? "UID " : ""}EXPUNGE completed.`);
}

export function copyMove(s: SelectedSession, tag: string, verb: string, args: ImapToken[], uid: boolean): boolean {
  const msgs = pick(s, str(args[0]), uid);
  const target = str(args[1]);
  if (!msgs || !target) return reply(s, tag, BAD_ARGS);
  const folder = [...s.mailbox.folders.keys()].find((f) => f.toLowerCase() === target.toLowerCase());
  if (!folder) return reply(s, tag, "NO [TRYCREATE] The requested item could not be found.");
  const newUids = msgs.map(
    ([, m]) =>
      s.directory.deliver(
        s.mailbox.address,
        m.raw,
        folder,
        [...m.flags].filter((f) => f !== "\\Deleted"),
      ).uid,
  );
  const code = `[COPYUID ${s.mailbox.uidValidity} ${msgs.map(([, m]) => m.uid).join(",")} ${newUids.join(",")}]`;
  if (verb === "MOVE") {
    if (newUids.length) s.send(`* OK ${code}`);
    for (const [, m] of msgs) m.flags.add("\\Deleted");
    expungeMessages(s, new Set(msgs.map(([, m]) => m)));
    return reply(s, tag, `OK ${uid ? "UID " : ""}MOVE completed.`);
  }
  return reply(s, tag, `OK ${newUids.length ? `${code} ` : ""}${uid ? "UID " : ""}COPY completed.`);
}

/** IDLE (RFC 2177): pushes EXISTS for deliveries to the selected folder until DONE. */
export async function idle(s: SelectedSession, tag: string): Promise<boolean> {
  s.send("+ IDLE accepted, awaiting DONE command.");
  syncNew(s);
  const off = s.directory.onDeliver((mb, folder) => {
    if (mb === s.mailbox && folder === s.folder) syncNew(s);
  });
  try {
    const line = await s.conn.nextLine();
    if (line === null) return false;
    if (line.toString("latin1").toUpperCase() !== "DONE") return reply(s, tag, "BAD Command Argument Error. 11");
    return reply(s, tag, "OK IDLE completed.");
  } finally {
    off();
  }
}

export function reply(s: { send(line: string): void }, tag: string, text: string): boolean {
  s.send(`${tag} ${text}`);
  return true;
}
