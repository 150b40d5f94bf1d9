/**
 * The TRANSACTION and UPDATE states of a POP3 session (RFC 1939 sections 5 and 6, CAPA and response codes RFC 2449),
 * served by the proxy for `upstream: graph` listeners over the maildrop listed at login (graph-pop3.ts). RETR and TOP
 * stream `$value` (graph-pop3-mime.ts). DELE only marks and RSET unmarks; QUIT moves the marked messages to `deleteTo`
 * (Deleted Items by default). A session that ends any other way (client gone, idle timeout, shutdown, too many
 * commands) deletes nothing, exactly as RFC 1939 section 6 requires.
 */
import { toXoauthError, type XoauthError } from "../../errors.js";
import type { GraphClient } from "../../graph/types.js";
import { LIMITS } from "../../limits.js";
import { splitCommand } from "../client-io.js";
import { closingReply } from "../replies.js";
import type { RelayClient, RelayResult } from "../types.js";
import { type MaildropEntry, uidlOf } from "./graph-pop3-maildrop.js";
import { Pop3DataEncoder, writeMessageData } from "./graph-pop3-mime.js";
import { graphPop3FailureReply } from "./graph-replies.js";
import { RelayIo } from "./relay-io.js";

export interface GraphPop3Options {
  client: GraphClient;
  drop: readonly MaildropEntry[];
  /** Folder (well-known name or path) that QUIT moves deleted messages to. */
  deleteTo: string;
  maxCommands?: number;
}

/** Capabilities after login (RFC 2449 section 5: USER and SASL are gone once logged in). */
const CAPA = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"];

/** A message-number argument (RFC 1939 section 3); a reply line when it names no message of the maildrop. */
function messageIndex(arg: string, drop: readonly MaildropEntry[], deleted: ReadonlySet<number>): number | string {
  const word = arg.trim().split(/\s+/)[0] ?? "";
  if (!/^\d{1,9}$/.test(word)) return "-ERR Invalid message number.";
  const n = Number(word);
  if (n < 1 || n > drop.length) return `-ERR No such message, only ${drop.length} in the maildrop.`;
  if (deleted.has(n - 1)) return `-ERR Message ${n} is already deleted.`;
  return n - 1;
}

export async function serveGraphPop3(c: RelayClient, opts: GraphPop3Options): Promise<RelayResult> {
  const { drop, client } = opts;
  const io = new RelayIo(c, LIMITS.proxyGraphPop3MaxLineBytes);
  const deleted = new Set<number>();
  const live = (): number[] => drop.flatMap((_, i) => (deleted.has(i) ? [] : [i]));
  const octets = (): number => live().reduce((n, i) => n + (drop[i] as MaildropEntry).size, 0);
  const maxCommands = opts.maxCommands ?? LIMITS.proxyGraphPop3MaxCommands;
  try {
    for (let count = 0; ; count++) {
      const raw = await io.command();
      if (raw === null) {
        if (io.stopped) io.write(closingReply("pop3", io.stopped).trimEnd());
        c.socket.end();
        const outcome = io.stopped === "idle" ? "idle-timeout" : (io.stopped ?? "client-closed");
        return io.result({ outcome, ...(deleted.size ? { message: `${deleted.size} DELE without QUIT: kept.` } : {}) });
      }
      if (count >= maxCommands) {
        io.write("-ERR Too many commands, closing connection; nothing deleted.");
        c.socket.end();
        return io.result({ outcome: "error", code: "LIMIT_EXCEEDED", message: `More than ${maxCommands} commands.` });
      }
      const { verb, arg } = splitCommand(raw.toString("latin1"));
      const hasArg = arg.trim() !== "";
      const pick = (): number | undefined => {
        const i = messageIndex(arg, drop, deleted);
        if (typeof i === "string") io.write(i);
        return typeof i === "number" ? i : undefined;
      };
      switch (verb) {
        case "NOOP":
          io.write("+OK");
          break;
        case "CAPA":
          io.write(`+OK Capability list follows\r\n${CAPA.join("\r\n")}\r\n.`);
          break;
        case "STAT":
          io.write(`+OK ${live().length} ${octets()}`);
          break;
        case "LIST":
        case "UIDL": {
          const show = (i: number): string =>
            `${i + 1} ${verb === "LIST" ? (drop[i] as MaildropEntry).size : uidlOf((drop[i] as MaildropEntry).id)}`;
          if (hasArg) {
            const i = pick();
            if (i !== undefined) io.write(`+OK ${show(i)}`);
            break;
          }
          const head = verb === "LIST" ? `+OK ${live().length} messages (${octets()} octets)` : "+OK";
          // One write per 100 lines: a 1,000-message listing is a few KB, written with the socket's own buffering.
          const lines = live().map(show);
          io.write(head);
          for (let k = 0; k < lines.length; k += 100) io.write(lines.slice(k, k + 100).join("\r\n"));
          io.write(".");
          break;
        }
        case "RETR":
        case "TOP": {
          const i = pick();
          if (i === undefined) break;
          let top: number | undefined;
          if (verb === "TOP") {
            const lines = arg.trim().split(/\s+/)[1] ?? "";
            if (!/^\d{1,9}$/.test(lines)) {
              io.write("-ERR Syntax: TOP msg n (n: lines of the body, 0 or more).");
              break;
            }
            top = Number(lines);
          }
          const r = await retrieve(c, io, client, drop[i] as MaildropEntry, i + 1, top);
          if (r) return r;
          break;
        }
        case "DELE": {
          const i = pick();
          if (i === undefined) break;
          deleted.add(i);
          io.write(`+OK Message ${i + 1} marked for deletion (applied at QUIT).`);
          break;
        }
        case "RSET":
          deleted.clear();
          io.write(`+OK Maildrop has ${drop.length} messages (${octets()} octets).`);
          break;
        case "QUIT": {
          const r = await update(c, client, drop, deleted, opts.deleteTo);
          io.write(r.reply);
          c.socket.end();
          return io.result(
            r.error ? { outcome: "error", code: r.error.code, message: r.error.message } : { outcome: "ok" },
          );
        }
        case "USER":
        case "PASS":
        case "AUTH":
        case "APOP":
        case "STLS":
          io.write("-ERR Already logged in.");
          break;
        default:
          io.write("-ERR Unknown command.");
      }
    }
  } catch (e) {
    const err = toXoauthError(e);
    if (err.code === "LIMIT_EXCEEDED") io.write(closingReply("pop3", "overlong").trimEnd());
    c.socket.end();
    return io.result({ outcome: "error", code: err.code, message: err.message });
  } finally {
    io.dispose();
  }
}

/**
 * RETR / TOP of one message. A Graph failure before the first byte is an `-ERR` and the session goes on; after the
 * `+OK` nothing can be said any more, so the connection is closed without the final "." (the client sees a broken
 * transfer and keeps nothing; no DELE is applied). Resolves with the session's result only when it ends here.
 */
async function retrieve(
  c: RelayClient,
  io: RelayIo,
  client: GraphClient,
  m: MaildropEntry,
  n: number,
  top: number | undefined,
): Promise<RelayResult | undefined> {
  let mime: Awaited<ReturnType<GraphClient["openMime"]>>;
  try {
    mime = await client.openMime(m.id);
  } catch (e) {
    const err = toXoauthError(e);
    c.log({ level: "warn", event: "retr", outcome: "graph-refused", code: err.code, message: err.message });
    io.write(
      err.details.httpStatus === 404
        ? `-ERR Message ${n} is no longer in the folder (deleted or moved meanwhile).`
        : graphPop3FailureReply(err, `Message ${n} not sent`),
    );
    return undefined;
  }
  // No octet count: the size may be Graph's estimate (graph-pop3.ts), and a client must read up to the final ".".
  io.write(top === undefined ? "+OK Message follows." : "+OK Top of message follows.");
  try {
    await writeMessageData(c.socket, mime.stream, new Pop3DataEncoder(top));
    return undefined;
  } catch (e) {
    const err = toXoauthError(e);
    c.socket.destroy();
    const gone = err.code === "CONNECTION_CLOSED";
    c.log({
      level: gone ? "info" : "error",
      event: "retr",
      outcome: gone ? "client-closed" : "graph-failed",
      code: err.code,
      message: err.message,
    });
    return io.result({
      outcome: gone ? "client-closed" : "error",
      code: err.code,
      message: `RETR ${n}: ${err.message}`,
    });
  }
}

/** The UPDATE state (RFC 1939 section 6): moves every message marked by DELE; `-ERR` when some stay. */
async function update(
  c: RelayClient,
  client: GraphClient,
  drop: readonly MaildropEntry[],
  deleted: ReadonlySet<number>,
  deleteTo: string,
): Promise<{ reply: string; error?: XoauthError }> {
  if (deleted.size === 0) return { reply: "+OK Bye." };
  let dest: string;
  try {
    dest = (await client.resolveFolder(deleteTo)).id;
  } catch (e) {
    const error = toXoauthError(e);
    c.log({ level: "error", event: "update", outcome: "graph-refused", code: error.code, message: error.message });
    return { reply: graphPop3FailureReply(error, `No message deleted (folder ${deleteTo})`), error };
  }
  let failed = 0;
  let first: XoauthError | undefined;
  for (const i of [...deleted].sort((a, b) => a - b)) {
    try {
      await client.move((drop[i] as MaildropEntry).id, dest);
    } catch (e) {
      const err = toXoauthError(e);
      if (err.details.httpStatus === 404) continue; // already gone from the folder: what DELE asked for
      failed++;
      first ??= err;
    }
  }
  const moved = deleted.size - failed;
  if (!first) {
    c.log({ level: "info", event: "update", outcome: "ok", message: `${moved} messages moved to ${deleteTo}.` });
    return { reply: `+OK Bye, ${moved} messages deleted.` };
  }
  c.log({
    level: "error",
    event: "update",
    outcome: "graph-refused",
    code: first.code,
    message: `${failed} of ${deleted.size} messages not moved to ${deleteTo}: ${first.message}`,
  });
  return {
    reply: graphPop3FailureReply(first, `Some deleted messages not removed (${failed} of ${deleted.size})`),
    error: first,
  };
}
