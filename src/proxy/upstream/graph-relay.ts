/**
 * The rest of an SMTP session after the local login, served by the proxy itself for `upstream: graph` listeners:
 * MAIL / RCPT / DATA (RFC 5321 section 3.3), each message sent through Graph, the DATA reply only after Graph answered.
 *
 * No open relay: MAIL FROM must be the account's mailbox or one of its configured sendAs addresses, else 550 5.7.1
 * before anything reaches Graph. Every RCPT TO is kept: sendViaGraph adds recipients missing from the headers as Bcc.
 * Bounded memory: DATA is un-dot-stuffed line by line (lines of at most LIMITS.maxLineBytes) into a stream that
 * sendViaGraph reads with back-pressure (it holds at most ~3 MB; bigger messages are spooled by the draft path).
 */
import { Readable } from "node:stream";
import { toXoauthError, XoauthError } from "../../errors.js";
import { GRAPH_LIMITS } from "../../graph/types.js";
import { LIMITS } from "../../limits.js";
import { LineReader } from "../../net/line-reader.js";
import type { Envelope } from "../../send/message.js";
import { splitCommand } from "../client-io.js";
import { closingReply } from "../replies.js";
import type { RelayClient, RelayResult } from "../types.js";
import { acceptedReply, graphFailureReply } from "./graph-replies.js";

/** Exchange Online's default recipient limit per message (learn.microsoft.com/en-us/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits, "Sending limits"). */
export const MAX_RECIPIENTS = 500;
/** DATA is collected into chunks of about this size before they go to the Graph sender. */
const CHUNK_BYTES = 64 * 1024;

export interface RelayOptions {
  mailbox: string;
  sendAs: readonly string[];
  /** Sends one message; resolves with Graph's request-id, rejects with an XoauthError. */
  send(
    mime: Readable,
    envelope: Envelope,
  ): Promise<{ requestId: string | undefined; path: string; bytes: number; headerOnly?: string[] }>;
  maxMessageBytes?: number;
}

/** `<addr>` of `FROM:<addr> params` / `TO:<addr> params`; undefined when malformed. */
export function pathArg(arg: string, keyword: "FROM" | "TO"): { addr: string; params: string } | undefined {
  const m = new RegExp(`^${keyword}:\\s*<([^<>\\s]*)>\\s*(.*)$`, "i").exec(arg.trim());
  if (!m) return undefined;
  return { addr: m[1] ?? "", params: m[2] ?? "" };
}

function sizeParam(params: string): number | undefined {
  const m = /(?:^|\s)SIZE=(\d{1,15})(?:\s|$)/i.exec(params);
  return m ? Number(m[1]) : undefined;
}

export async function serveGraphRelay(c: RelayClient, opts: RelayOptions): Promise<RelayResult> {
  const sock = c.socket;
  const maxBytes = opts.maxMessageBytes ?? GRAPH_LIMITS.maxMessageBytes;
  const allowed = new Set([opts.mailbox, ...opts.sendAs].map((a) => a.toLowerCase()));
  const readBefore = sock.bytesRead - c.leftover.length;
  const writtenBefore = sock.bytesWritten;
  if (c.leftover.length) sock.unshift(c.leftover);
  const reader = new LineReader(sock, LIMITS.maxLineBytes);
  let stop: "idle" | "shutdown" | undefined;
  let waiting = false;
  const halt = (why: "idle" | "shutdown"): void => {
    stop ??= why;
    if (waiting) reader.close();
  };
  const onShutdown = (): void => halt("shutdown");
  c.shutdown.addEventListener("abort", onShutdown, { once: true });
  if (c.shutdown.aborted) onShutdown();
  sock.setTimeout(c.idleTimeoutMs, () => halt("idle"));
  const write = (line: string): void => {
    if (!sock.destroyed && !sock.writableEnded) sock.write(`${line}\r\n`);
  };
  const result = (r: Omit<RelayResult, "bytesUp" | "bytesDown">): RelayResult => ({
    bytesUp: sock.bytesRead - readBefore,
    bytesDown: sock.bytesWritten - writtenBefore,
    ...r,
  });

  let from: string | undefined;
  let to: string[] = [];
  try {
    for (;;) {
      waiting = true;
      const raw = stop ? null : await reader.line();
      waiting = false;
      if (raw === null) {
        if (stop) write(closingReply("smtp", stop === "idle" ? "idle" : "shutdown").trimEnd());
        sock.end();
        return result(stop ? { outcome: stop === "idle" ? "idle-timeout" : "shutdown" } : { outcome: "client-closed" });
      }
      const { verb, arg } = splitCommand(raw.toString("utf8"));
      switch (verb) {
        case "EHLO":
        case "HELO":
          from = undefined;
          to = [];
          write(
            verb === "HELO"
              ? "250 xoauth-mail proxy"
              : "250-xoauth-mail proxy\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME",
          );
          if (verb === "EHLO") write(`250 SIZE ${maxBytes}`);
          break;
        case "NOOP":
          write("250 2.0.0 OK");
          break;
        case "RSET":
          from = undefined;
          to = [];
          write("250 2.0.0 OK");
          break;
        case "QUIT":
          write("221 2.0.0 Bye");
          sock.end();
          return result({ outcome: "ok" });
        case "VRFY":
          write("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
          break;
        case "MAIL": {
          const p = pathArg(arg, "FROM");
          if (from !== undefined) write("503 5.5.1 Sender already given.");
          else if (!p) write("501 5.5.4 Syntax: MAIL FROM:<address>");
          else if (!allowed.has(p.addr.toLowerCase())) {
            c.log({
              level: "warn",
              event: "mail-from",
              outcome: "refused",
              code: "SEND_AS_DENIED",
              message: `MAIL FROM <${p.addr}> is not the mailbox ${opts.mailbox} or one of its sendAs addresses.`,
            });
            write(`550 5.7.1 Sender <${p.addr}> not allowed: this login sends as ${opts.mailbox} only.`);
          } else if ((sizeParam(p.params) ?? 0) > maxBytes) {
            write(`552 5.3.4 Message size exceeds the limit of ${maxBytes} bytes.`);
          } else {
            from = p.addr;
            write("250 2.1.0 Sender OK");
          }
          break;
        }
        case "RCPT": {
          const p = pathArg(arg, "TO");
          if (from === undefined) write("503 5.5.1 Need MAIL first.");
          else if (!p?.addr.includes("@")) write("501 5.5.4 Syntax: RCPT TO:<address>");
          else if (to.length >= MAX_RECIPIENTS) write(`452 4.5.3 Too many recipients (at most ${MAX_RECIPIENTS}).`);
          else {
            to.push(p.addr);
            write("250 2.1.5 Recipient OK");
          }
          break;
        }
        case "DATA":
          if (from === undefined || to.length === 0) {
            write(from === undefined ? "503 5.5.1 Need MAIL first." : "554 5.5.1 No valid recipients.");
            break;
          }
          write("354 Start mail input; end with <CRLF>.<CRLF>");
          write(await dataAndSend(reader, c, opts, { from, to }));
          from = undefined;
          to = [];
          break;
        case "AUTH":
          write("503 5.5.1 Already authenticated.");
          break;
        default:
          write("502 5.5.2 Command not implemented.");
      }
    }
  } catch (e) {
    const err = toXoauthError(e);
    if (err.code === "LIMIT_EXCEEDED") write("500 5.5.2 Line too long.");
    sock.end();
    return result({ outcome: "error", code: err.code, message: err.message });
  } finally {
    c.shutdown.removeEventListener("abort", onShutdown);
    sock.setTimeout(0);
    reader.detach();
  }
}

/** Reads DATA up to the lone `.`, streams it to Graph, and returns the reply once Graph answered. */
async function dataAndSend(
  reader: LineReader,
  c: RelayClient,
  opts: RelayOptions,
  envelope: Envelope,
): Promise<string> {
  let ended = false;
  const body = async function* (): AsyncGenerator<Buffer> {
    let parts: Buffer[] = [];
    let n = 0;
    for (;;) {
      const line = await reader.line();
      if (line === null) throw clientLeft();
      if (line.length === 1 && line[0] === 0x2e) {
        ended = true;
        break;
      }
      // RFC 5321 section 4.5.2: a leading dot was doubled by the client.
      const text = line[0] === 0x2e ? line.subarray(1) : line;
      parts.push(text, CRLF);
      n += text.length + 2;
      if (n >= CHUNK_BYTES) {
        yield Buffer.concat(parts);
        parts = [];
        n = 0;
      }
    }
    if (n) yield Buffer.concat(parts);
  };
  let reply: string;
  try {
    const sent = await opts.send(Readable.from(body()), envelope);
    c.log({
      level: "info",
      event: "send",
      outcome: "ok",
      message: `Graph accepted ${sent.bytes} bytes for ${envelope.to.length} recipient(s) (${sent.path}, request-id ${sent.requestId ?? "-"}).`,
    });
    if (sent.headerOnly?.length) {
      // Graph delivers to every header recipient; SMTP would not have (RFC 5321 section 3.3: the envelope decides).
      c.log({
        level: "warn",
        event: "send",
        outcome: "header-only-recipients",
        message: `Graph also delivered to header recipients not in RCPT TO: ${sent.headerOnly.join(", ")}.`,
      });
    }
    reply = acceptedReply(sent.requestId);
  } catch (e) {
    const err: XoauthError = toXoauthError(e);
    if (!ended && reader.done) throw err; // the client left mid-DATA: nobody to answer
    c.log({ level: "error", event: "send", outcome: "graph-refused", code: err.code, message: err.message });
    reply = graphFailureReply(err);
  }
  // Graph refused before the whole message was read (too large, a permission): read the rest before the reply.
  while (!ended) {
    const line = await reader.line();
    if (line === null) throw clientLeft();
    if (line.length === 1 && line[0] === 0x2e) ended = true;
  }
  return reply;
}

const CRLF = Buffer.from("\r\n");

function clientLeft(): XoauthError {
  return new XoauthError("CONNECTION_CLOSED", "The client closed the connection during DATA; nothing was sent.");
}
