/**
 * The mailbox commands of fetch as values that can be sent alone or pipelined (ImapConnection.pipelined, RFC 3501
 * §5.5): SELECT/EXAMINE (§6.3.1-2), UID SEARCH (§6.4.4), UID FETCH of metadata and of bodies (§6.4.5, §7.4.2). Each
 * is its command line, how its answers are read, and the result once its tagged OK came.
 */
import { Writable } from "node:stream";
import type { XoauthError } from "../errors.js";
import type { PipelinedCommand } from "./connection.js";
import { bodyLiteral, bodyOf, fetchOf, num } from "./fetch-response.js";
import { STREAMED, type Untagged } from "./imap-session.js";
import { type Token, tokenText } from "./parser.js";
import { encodeMailboxName, quoteString } from "./utf7.js";

export interface MessageMeta {
  uid: number;
  size: number;
  /** ENVELOPE message-id as sent (trimmed), "" when NIL. */
  messageId: string;
}

export interface SelectResult {
  uidValidity: number;
  exists: number;
}

/** A command and how to read its result once its tagged OK came. */
export interface Pipelined<T> {
  command: PipelinedCommand;
  result(): T;
}

/** Makes the PROTOCOL_ERROR of a command (ImapConnection.error). */
type Fail = (command: string, message: string) => XoauthError;

/** Where the bodies of a FETCH bigger than `above` go instead of memory (a file in tmp/), by UID. */
export interface BodyStreams {
  above: number;
  to(uid: number): Writable | undefined;
}

/**
 * A bodies FETCH that also asks for RFC822.SIZE and ENVELOPE (one round trip instead of a metadata FETCH first): each
 * body comes with its `meta`. A body bigger than `above` streams only when the response names its UID first, as
 * requested (`* n FETCH (UID u ...`) and `stream.to(uid)` takes it; otherwise its literal is read and dropped and
 * `skipped(uid)` is called at the response's end (to fetch that one on its own, if it is still wanted): a server's
 * item order can never make a big body stay in memory.
 */
export interface BodiesWithMeta {
  skipped(uid: number, meta: MessageMeta | undefined): void;
  /**
   * The UID of message sequence number `seq`, when the caller knows the whole folder's numbering (a UID SEARCH ALL
   * that returned all EXISTS messages, and no EXPUNGE since): a body whose UID comes after it (Exchange Online puts
   * UID last) then streams at once. RFC 3501 §7.4.1 lets no EXPUNGE arrive while a FETCH is answered. A wrong guess is
   * caught at the response's end (its UID differs): that file is dropped and the message fetched on its own.
   */
  uidOfSeq?(seq: number): number | undefined;
}

export function selectCommand(folder: string, readOnly: boolean, fail: Fail): Pipelined<SelectResult> {
  let uidValidity: number | undefined;
  let exists = 0;
  const verb = readOnly ? "EXAMINE" : "SELECT";
  const command = {
    line: `${verb} ${quoteString(encodeMailboxName(folder))}`,
    name: `${verb} ${folder}`,
    spec: {
      onUntagged: (r: Untagged) => {
        const h = r.head;
        if (h.kind === "numeric" && h.type === "EXISTS") exists = h.n;
        if (h.kind === "status" && h.code === "UIDVALIDITY") uidValidity = Number(h.codeArgs);
      },
    },
  };
  const result = (): SelectResult => {
    if (!Number.isSafeInteger(uidValidity) || (uidValidity as number) <= 0) {
      throw fail(`${verb} ${folder}`, "the server sent no UIDVALIDITY");
    }
    return { uidValidity: uidValidity as number, exists };
  };
  return { command, result };
}

/** UID SEARCH ALL / UNDELETED -> UIDs. */
export function searchCommand(criteria: "ALL" | "UNDELETED"): Pipelined<number[]> {
  const out: number[] = [];
  const command = {
    line: `UID SEARCH ${criteria}`,
    spec: {
      longLines: true,
      onUntagged: (r: Untagged) => {
        if (r.head.kind !== "data" || r.head.type !== "SEARCH") return;
        for (const n of r.head.rest.split(" ")) if (/^\d+$/.test(n)) out.push(Number(n));
      },
    },
  };
  return { command, result: () => out };
}

/** UID FETCH <set> (UID RFC822.SIZE ENVELOPE) -> size and Message-ID per UID. */
export function metaCommand(set: string): Pipelined<MessageMeta[]> {
  const out: MessageMeta[] = [];
  const command = {
    line: `UID FETCH ${set} (UID RFC822.SIZE ENVELOPE)`,
    spec: {
      onUntagged: (r: Untagged) => {
        const a = fetchOf(r);
        // Only answers to this FETCH: an unsolicited `* n FETCH (UID u FLAGS (...))` (another client) has no size.
        const meta = a && metaOf(a);
        if (meta) out.push(meta);
      },
    },
  };
  return { command, result: () => out };
}

/** UID, RFC822.SIZE and the ENVELOPE's Message-ID of one FETCH response; undefined without UID or size. */
function metaOf(a: Map<string, Token>): MessageMeta | undefined {
  const uid = num(a.get("UID"));
  const size = num(a.get("RFC822.SIZE"));
  if (uid === undefined || size === undefined) return undefined;
  const env = a.get("ENVELOPE");
  return { uid, size, messageId: (Array.isArray(env) ? (tokenText(env[9]) ?? "") : "").trim() };
}

/** Reads a literal and keeps nothing of it. */
function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, cb) => cb() });
}

/**
 * UID FETCH <set> (UID BODY.PEEK[]): each body handed over whole, in server order. A literal bigger than
 * `stream.above` is streamed into the Writable `stream.to(uid)` returns instead, and handed over as `undefined` once
 * complete; without one it is kept up to the in-memory literal limit. With `withMeta`, the FETCH is
 * `(UID RFC822.SIZE ENVELOPE BODY.PEEK[])` and each body comes with its metadata (see {@link BodiesWithMeta}).
 */
export function bodiesCommand(
  set: string,
  onMessage: (uid: number, body: Buffer | undefined, meta: MessageMeta | undefined) => Promise<void>,
  fail: Fail,
  stream?: BodyStreams,
  withMeta?: BodiesWithMeta,
): PipelinedCommand {
  // Per streamed BODY[] literal, in wire order: the UID its file was opened for, or "dropped" (read, kept nowhere).
  // Responses reach onUntagged in that order, but the assembler may already have framed (and opened a sink for) the
  // next ones: a single "current" slot would be overwritten.
  const streamed: (number | "dropped")[] = [];
  const spec: PipelinedCommand["spec"] = {
    bodySink: (head, size) => {
      if (!stream || size <= stream.above) return undefined;
      const literal = bodyLiteral(head);
      if (!literal) return undefined;
      // With metadata the head holds an ENVELOPE (any text): only a UID in first place is the response's; else the
      // message sequence number, where the caller can map it.
      const uid = withMeta ? (literal.leadingUid ?? withMeta.uidOfSeq?.(literal.seq)) : literal.uid;
      const sink = uid === undefined ? undefined : stream.to(uid);
      if (sink && uid !== undefined) {
        streamed.push(uid);
        return sink;
      }
      if (!withMeta) return undefined;
      streamed.push("dropped");
      return discard();
    },
    onUntagged: async (r) => {
      const a = fetchOf(r);
      const body = a && bodyOf(a);
      if (!a || !body) return;
      const opened = body.str === STREAMED ? streamed.shift() : undefined;
      const uid = num(a.get("UID"));
      // Without a UID the body cannot be placed: a file opened for it is never committed (the caller drops it).
      if (uid === undefined) return;
      const meta = withMeta ? metaOf(a) : undefined;
      if (body.str === STREAMED) {
        // Dropped, or streamed into another UID's file (a sequence number mapped wrongly): that file is never
        // committed, and this message is fetched on its own.
        if (withMeta && opened !== uid) return withMeta.skipped(uid, meta);
        // `(UID 5 BODY[] {n} ... UID 6)`: the body went to 5's file; the response claims 6. Trust neither.
        if (opened !== uid) throw fail(`UID FETCH ${set}`, `a body streamed for UID ${opened} came as UID ${uid}`);
        return onMessage(uid, undefined, meta);
      }
      await onMessage(uid, typeof body.str === "string" ? Buffer.from(body.str, "utf8") : body.str, meta);
    },
  };
  const items = withMeta ? "UID RFC822.SIZE ENVELOPE BODY.PEEK[]" : "UID BODY.PEEK[]";
  return { line: `UID FETCH ${set} (${items})`, spec };
}
