/**
 * A message from Graph's `$value` as POP3 multi-line data (RFC 1939 section 3): every line ends in CRLF (a bare LF
 * becomes CRLF; a bare CR stays as it is), a line starting with "." gets a second one, and CRLF "." CRLF ends it.
 * Streaming and bounded: each chunk is encoded as it arrives (state carried across chunks: at a line start, after a
 * CR), written with back-pressure, and never the whole message held. TOP (RFC 1939 section 7) counts lines as they pass.
 */
import type { Socket } from "node:net";
import type { Readable } from "node:stream";
import { XoauthError } from "../../errors.js";

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

export interface EncodeResult {
  out: Buffer;
  /** TOP: the requested lines are all out; the rest of the message is not needed. */
  done: boolean;
}

export class Pop3DataEncoder {
  private atLineStart = true;
  private lastCr = false;
  /** Bytes of the current line before its LF (a final CR included). */
  private lineBytes = 0;
  private inHeader = true;
  private bodyLines = 0;
  private finished = false;
  /** Message octets written so far, as CRLF lines without the dot-stuffing (what LIST counts, RFC 1939 section 5). */
  octets = 0;

  /** `topLines`: TOP's line count (headers, the blank line, then that many body lines); undefined for RETR. */
  constructor(private readonly topLines?: number) {}

  push(chunk: Buffer): EncodeResult {
    if (this.finished) return { out: Buffer.alloc(0), done: true };
    const out = Buffer.allocUnsafe(chunk.length * 2);
    let n = 0;
    let stuffed = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (this.atLineStart && b === DOT) {
        out[n++] = DOT;
        stuffed++;
      }
      if (b === LF) {
        if (!this.lastCr) out[n++] = CR;
        out[n++] = LF;
        const empty = this.lineBytes === 0 || (this.lineBytes === 1 && this.lastCr);
        this.atLineStart = true;
        this.lastCr = false;
        this.lineBytes = 0;
        if (this.lineEnded(empty)) {
          this.finished = true;
          break;
        }
        continue;
      }
      out[n++] = b;
      this.atLineStart = false;
      this.lastCr = b === CR;
      this.lineBytes++;
    }
    this.octets += n - stuffed;
    return { out: out.subarray(0, n), done: this.finished };
  }

  /** The end of the data: a CRLF when the message did not end with one, then the terminating "." line. */
  end(): Buffer {
    if (this.atLineStart) return Buffer.from(".\r\n");
    this.octets += this.lastCr ? 1 : 2;
    return Buffer.from(this.lastCr ? "\n.\r\n" : "\r\n.\r\n");
  }

  /** True when TOP has all it needs after this line. */
  private lineEnded(empty: boolean): boolean {
    if (this.topLines === undefined) return false;
    if (this.inHeader) {
      if (!empty) return false;
      this.inHeader = false;
      return this.topLines === 0;
    }
    return ++this.bodyLines >= this.topLines;
  }
}

/** Resolves when `sock` can take more (drain), rejects when it closed first. */
function drained(sock: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      sock.off("drain", done);
      sock.off("close", gone);
      resolve();
    };
    const gone = (): void => {
      sock.off("drain", done);
      reject(new XoauthError("CONNECTION_CLOSED", "The client closed the connection during RETR/TOP."));
    };
    sock.on("drain", done);
    sock.on("close", gone);
  });
}

/**
 * Streams `mime` to the client through `enc` (the `+OK` line is already written) and ends the data. The Graph stream
 * is destroyed when TOP has its lines or on any error; a client that stops reading stops the download (back-pressure).
 */
export async function writeMessageData(sock: Socket, mime: Readable, enc: Pop3DataEncoder): Promise<number> {
  try {
    for await (const chunk of mime) {
      const { out, done } = enc.push(chunk as Buffer);
      if (sock.destroyed)
        throw new XoauthError("CONNECTION_CLOSED", "The client closed the connection during RETR/TOP.");
      if (out.length && !sock.write(out)) await drained(sock);
      if (done) break;
    }
  } finally {
    mime.destroy();
  }
  sock.write(enc.end());
  return enc.octets;
}

/** The size LIST reports for a message, measured from its `$value` (what RETR will send, without the dot-stuffing). */
export async function measureMime(mime: Readable): Promise<number> {
  const enc = new Pop3DataEncoder();
  try {
    for await (const chunk of mime) enc.push(chunk as Buffer);
  } finally {
    mime.destroy();
  }
  enc.end();
  return enc.octets;
}
