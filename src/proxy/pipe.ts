/**
 * After login the proxy is a byte-for-byte pipe both ways, with backpressure (stream.pipe) and an idle timeout. It
 * keeps only the last line each side sent, to tell how the session ended: the client left (or logged out), the mail
 * server ended it (Exchange: `* BYE Session invalidated - AccessTokenExpired` when the login token expires), the
 * idle timeout, or the proxy's shutdown. When the server closes without a closing line of its own, or the proxy
 * ends the session, the client gets the proxy's closing line (IMAP `* BYE`) if the stream is at a line boundary.
 * IMAP only: capability lists from the server are filtered on the way (imap-caps-filter.ts), everything else is not.
 */
import type { Socket } from "node:net";
import type { ProxyProtocol } from "./config.js";
import { ImapCapabilityFilter } from "./imap-caps-filter.js";
import type { ProxyLogRecord } from "./log.js";
import { type CloseReason, closingReply, isClosingLine } from "./replies.js";
import type { UpstreamSession } from "./types.js";

const TAIL_BYTES = 512;
/** How long the other side may take to flush and close after one side closed. */
const CLOSE_FOLLOW_MS = 5000;

export interface PipeResult {
  bytesUp: number;
  bytesDown: number;
  outcome: "ok" | "upstream-closed" | "idle-timeout" | "shutdown";
  code?: ProxyLogRecord["code"];
  /** The mail server's last line when it ended the session (server text: the logger sanitizes it). */
  message?: string;
}

/** Keeps the last TAIL_BYTES of a stream without copying whole chunks. */
class Tail {
  private buf: Buffer = Buffer.alloc(0);
  push(d: Buffer): void {
    this.buf =
      d.length >= TAIL_BYTES ? d.subarray(d.length - TAIL_BYTES) : Buffer.concat([this.buf, d]).subarray(-TAIL_BYTES);
  }
  /** The stream ends with a line feed (or nothing was sent). */
  atLineEnd(): boolean {
    return this.buf.length === 0 || this.buf[this.buf.length - 1] === 10;
  }
  /** The last complete line, without CRLF. */
  lastLine(): string {
    const text = this.buf.toString("latin1").replace(/\r?\n$/, "");
    return text.slice(text.lastIndexOf("\n") + 1);
  }
}

/** The client asked to end the session (IMAP LOGOUT, POP3/SMTP QUIT); the server closing after it is normal. */
function isLogout(protocol: ProxyProtocol, line: string): boolean {
  return protocol === "imap" ? /^\S+ LOGOUT\s*$/i.test(line) : /^QUIT\s*$/i.test(line);
}

export function pipeBoth(
  protocol: ProxyProtocol,
  client: Socket,
  up: UpstreamSession,
  leftover: Buffer,
  idleMs: number,
  shutdown: AbortSignal,
): Promise<PipeResult> {
  const server = up.socket;
  const readBefore = { client: client.bytesRead, server: server.bytesRead };
  const fromClient = new Tail();
  const fromServer = new Tail();
  client.setNoDelay(true);
  server.setNoDelay(true);
  const filter = protocol === "imap" ? new ImapCapabilityFilter() : undefined;
  let forwardDown = true;
  /** Server bytes to the client (through the IMAP capability filter); false when the client's buffer is full. */
  const down = (d: Buffer): boolean => {
    const out = filter ? filter.feed(d) : d;
    return !forwardDown || client.writableEnded || client.destroyed || out.length === 0 || client.write(out);
  };
  if (up.leftover.length) {
    fromServer.push(up.leftover);
    down(up.leftover);
  }
  if (leftover.length) {
    fromClient.push(leftover);
    server.write(leftover);
  }
  return new Promise((resolve) => {
    let first: "client" | "server" | "idle" | "shutdown" | undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      shutdown.removeEventListener("abort", onShutdown);
      client.destroy();
      server.destroy();
      const bytesUp = leftover.length + client.bytesRead - readBefore.client;
      const bytesDown = up.leftover.length + server.bytesRead - readBefore.server;
      resolve({ bytesUp, bytesDown, ...outcomeOf() });
    };
    const outcomeOf = (): Omit<PipeResult, "bytesUp" | "bytesDown"> => {
      if (first === "idle") return { outcome: "idle-timeout", code: "TIMEOUT" };
      if (first === "shutdown") return { outcome: "shutdown" };
      if (first !== "server" || isLogout(protocol, fromClient.lastLine())) return { outcome: "ok" };
      const last = fromServer.lastLine();
      const ended = isClosingLine(protocol, last);
      return {
        outcome: "upstream-closed",
        code: ended && /AccessTokenExpired/i.test(last) ? "TOKEN_EXPIRED" : "CONNECTION_CLOSED",
        message: ended
          ? `The mail server ended the session: ${last.slice(0, 200)}`
          : "The mail server closed the connection.",
      };
    };
    /** Ends the client's side; with `reason`, the proxy's closing line first (only at a line boundary). */
    const endClient = (reason?: CloseReason): void => {
      const rest = filter?.flush();
      if (forwardDown && rest?.length && !client.writableEnded) client.write(rest);
      forwardDown = false;
      if (reason && !client.writableEnded && fromServer.atLineEnd()) client.end(closingReply(protocol, reason));
      else if (!client.writableEnded) client.end();
    };
    const closeBoth = (): void => {
      if (!server.writableEnded) server.end();
      setTimeout(finish, CLOSE_FOLLOW_MS).unref();
      if (client.destroyed && server.destroyed) finish();
    };
    const serverGone = (): void => {
      if (first) return;
      first = "server";
      const last = fromServer.lastLine();
      const needLine = !isLogout(protocol, fromClient.lastLine()) && !isClosingLine(protocol, last);
      endClient(needLine ? "upstream-closed" : undefined);
      closeBoth();
    };
    const clientGone = (): void => {
      if (first) return;
      first = "client";
      client.unpipe(server);
      closeBoth();
      if (!client.writableEnded) client.end();
    };
    const proxyEnds = (why: "idle" | "shutdown"): void => {
      if (first) return;
      first = why;
      client.unpipe(server);
      endClient(why);
      server.destroy();
      setTimeout(finish, CLOSE_FOLLOW_MS).unref();
    };
    const onShutdown = (): void => proxyEnds("shutdown");
    if (shutdown.aborted) return proxyEnds("shutdown");
    shutdown.addEventListener("abort", onShutdown, { once: true });
    client.on("data", (d: Buffer) => fromClient.push(d));
    client.pipe(server, { end: false });
    // server -> client by hand (not stream.pipe): the filter runs synchronously in the data handler, so every byte
    // is written before the server's `end` is seen, as with pipe; backpressure pauses the server until `drain`.
    server.on("data", (d: Buffer) => {
      fromServer.push(d);
      if (!down(d)) {
        server.pause();
        client.once("drain", () => server.resume());
      }
    });
    server.resume(); // the upstream login handed the socket over paused
    client.on("end", clientGone);
    server.on("end", serverGone);
    client.on("error", clientGone);
    server.on("error", serverGone);
    client.on("close", () => {
      clientGone();
      if (server.destroyed) finish();
    });
    server.on("close", () => {
      serverGone();
      if (client.destroyed) finish();
    });
    for (const s of [client, server]) s.setTimeout(idleMs, () => proxyEnds("idle"));
    if (client.destroyed) {
      first = "client";
      finish();
    } else if (server.destroyed) serverGone();
  });
}
