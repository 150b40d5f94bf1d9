/**
 * The mailbox commands of fetch as values that can be sent alone or pipelined (ImapConnection.pipelined, RFC 3501
 * §5.5): SELECT/EXAMINE (§6.3.1-2), UID SEARCH (§6.4.4), UID FETCH of metadata and of bodies (§6.4.5, §7.4.2). Each
 * is its command line, how its answers are read, and the result once its tagged OK came.
 */
import type { Writable } from "node:stream";
import type { XoauthError } from "../errors.js";
import type { PipelinedCommand } from "./connection.js";
import { bodyLiteral, bodyOf, fetchOf, num } from "./fetch-response.js";
import { STREAMED, type Untagged } from "./imap-session.js";
import { tokenText } from "./parser.js";
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
        const uid = a && num(a.get("UID"));
        const size = a && num(a.get("RFC822.SIZE"));
        // Only answers to this FETCH: an unsolicited `* n FETCH (UID u FLAGS (...))` (another client) has no size.
        if (!a || uid === undefined || size === undefined) return;
        const env = a.get("ENVELOPE");
        out.push({ uid, size, messageId: (Array.isArray(env) ? (tokenText(env[9]) ?? "") : "").trim() });
      },
    },
  };
  return { command, result: () => out };
}

/**
 * UID FETCH <set> (UID BODY.PEEK[]): each body handed over whole, in server order. A literal bigger than
 * `stream.above` is streamed into the Writable `stream.to(uid)` returns instead, and handed over as `undefined` once
 * complete; without one it is kept up to the in-memory literal limit.
 */
export function bodiesCommand(
  set: string,
  onMessage: (uid: number, body: Buffer | undefined) => Promise<void>,
  fail: Fail,
  stream?: BodyStreams,
): PipelinedCommand {
  let streamedUid: number | undefined; // the UID the current streamed body's sink was opened for
  const spec: PipelinedCommand["spec"] = {
    bodySink: (head, size) => {
      const uid = stream && size > stream.above ? bodyLiteral(head)?.uid : undefined;
      const sink = uid === undefined ? undefined : stream?.to(uid);
      if (sink) streamedUid = uid;
      return sink;
    },
    onUntagged: async (r) => {
      const a = fetchOf(r);
      const uid = a && num(a.get("UID"));
      const body = a && bodyOf(a);
      if (uid === undefined || !body) return;
      if (body.str === STREAMED) {
        const opened = streamedUid;
        streamedUid = undefined;
        // `(UID 5 BODY[] {n} ... UID 6)`: the body went to 5's file; the response claims 6. Trust neither.
        if (uid !== opened) throw fail(`UID FETCH ${set}`, `a body streamed for UID ${opened} came as UID ${uid}`);
        return onMessage(uid, undefined);
      }
      await onMessage(uid, typeof body.str === "string" ? Buffer.from(body.str, "utf8") : body.str);
    },
  };
  return { line: `UID FETCH ${set} (UID BODY.PEEK[])`, spec };
}
