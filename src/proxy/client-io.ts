/** What a protocol frontend may do with the client connection during the login phase. */
import type { Socket } from "node:net";
import type { LineReader } from "../net/line-reader.js";

export interface ClientIo {
  readLine(): Promise<string>;
  readBytes(n: number): Promise<Buffer>;
  write(text: string): void;
  /** The listener offers STARTTLS and the connection is not yet encrypted. */
  readonly canStartTls: boolean;
  /** The listener requires TLS before a password may be sent, and it is not active yet. */
  readonly loginNeedsTls: boolean;
  /** Upgrades the connection (server side of STARTTLS / STLS). The caller has already answered "go ahead". */
  startTls(): Promise<void>;
  /** The current reader (for detaching). */
  readonly reader: LineReader;
}

/** A frontend result: a logged-in upstream, or undefined when the client left. */
export type { UpstreamSession } from "./types.js";

/** Splits a POP3/SMTP command line into its upper-cased verb and the raw rest (RFC 1939 section 3, RFC 5321 4.1.1). */
export function splitCommand(line: string): { verb: string; arg: string } {
  const sp = line.indexOf(" ");
  return sp < 0
    ? { verb: line.toUpperCase(), arg: "" }
    : { verb: line.slice(0, sp).toUpperCase(), arg: line.slice(sp + 1) };
}

/** How long a client may take to close its side after our final reply before its socket is destroyed. */
export const CLOSE_GRACE_MS = 2000;

/**
 * Sends a final reply and closes: end() alone leaves a paused socket half-open forever (the client's FIN is never
 * read), so read and discard what still comes, and destroy after a short grace period that keeps no process alive.
 */
export function endClient(sock: Socket, reply?: string, graceMs = CLOSE_GRACE_MS): void {
  if (sock.destroyed) return;
  sock.on("data", () => {});
  sock.resume();
  const timer = setTimeout(() => sock.destroy(), graceMs);
  timer.unref();
  sock.once("close", () => clearTimeout(timer));
  if (reply === undefined) sock.end();
  else sock.end(reply);
}

/**
 * A client's STARTTLS / STLS command: refuses with `notAvailable` when the listener does not offer it (or TLS is
 * already up), else answers `goAhead` and upgrades (true). Replies are complete lines without CRLF.
 */
export async function startTlsCommand(io: ClientIo, notAvailable: string, goAhead: string): Promise<boolean> {
  if (!io.canStartTls) {
    io.write(`${notAvailable}\r\n`);
    return false;
  }
  io.write(`${goAhead}\r\n`);
  await io.startTls();
  return true;
}
