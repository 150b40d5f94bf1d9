/**
 * The raw message of `send` (a file or stdin), streamed byte for byte and bounded by LIMITS.maxMessageBytes.
 * The header section is read ahead before any connection is made, so an empty or non-message input is a usage
 * error and the Message-ID is known; the body is never held in memory.
 */
import { createReadStream, type Stats, statSync } from "node:fs";
import { Readable } from "node:stream";
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";

/** How much we read ahead looking for the end of the header section (RFC 5322 §2.1). */
const HEADER_PEEK_BYTES = 256 * 1024;

export interface RawSource {
  /** The message bytes, exactly as read; errors with LIMIT_EXCEEDED past the bound. */
  stream: Readable;
  /** The message's own Message-ID header (unfolded), when it has one. */
  messageId: string | undefined;
  /** Where it came from, for messages: a path or `stdin`. */
  name: string;
  /** The typed error that stopped the stream (bound exceeded, read error), if any. */
  error(): XoauthError | undefined;
}

export interface OpenRawOptions {
  stdin?: Readable;
  maxBytes?: number;
}

function statOrUsage(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(e)})`;
    throw new XoauthError("USAGE", `The message file ${path} ${why}.`, { cause: e });
  }
}

function tooBig(name: string, max: number): XoauthError {
  return new XoauthError(
    "LIMIT_EXCEEDED",
    `The message from ${name} is larger than ${max} bytes (LIMITS.maxMessageBytes); nothing was sent.`,
  );
}

/** The end of the header section in `buf` (index of the empty line's end), or -1. */
export function headerEnd(buf: Buffer): number {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf + 1 <= lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
}

/** The unfolded Message-ID field of a header section (RFC 5322 §3.6.4), or undefined. */
export function messageIdOf(header: string): string | undefined {
  const m = /^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(header);
  const v = m?.[1]?.replace(/\r?\n[ \t]+/g, " ").trim();
  return v ? v : undefined;
}

const FIELD_RE = /^[!-9;-~]+:/;

/** Opens `path` (`-` = stdin), reads the header section ahead and returns the bounded byte stream. */
export async function openRawSource(path: string, opts: OpenRawOptions = {}): Promise<RawSource> {
  const max = opts.maxBytes ?? LIMITS.maxMessageBytes;
  const name = path === "-" ? "stdin" : path;
  let input: Readable;
  if (path === "-") {
    input = opts.stdin ?? process.stdin;
  } else {
    const st = statOrUsage(path);
    if (!st.isFile()) throw new XoauthError("USAGE", `The message file ${path} is not a regular file.`);
    if (st.size > max) throw tooBig(name, max);
    input = createReadStream(path);
  }
  return rawSourceFrom(input, name, max);
}

/** A raw message from any byte stream (the library's sendMail): header read ahead, bounded, byte for byte. */
export async function rawSourceFrom(
  input: Readable,
  name: string,
  max: number = LIMITS.maxMessageBytes,
): Promise<RawSource> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  try {
    while (headBytes < HEADER_PEEK_BYTES) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      const chunk = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes > max) throw tooBig(name, max);
      if (headerEnd(Buffer.concat(head)) >= 0) break;
    }
  } catch (e) {
    input.destroy();
    if (e instanceof XoauthError) throw e;
    throw new XoauthError("USAGE", `Cannot read the message from ${name}: ${(e as Error).message}`, { cause: e });
  }
  const first = Buffer.concat(head);
  if (first.length === 0) {
    throw new XoauthError("USAGE", `The message from ${name} is empty: pass a complete RFC 5322 message (.eml).`);
  }
  const end = headerEnd(first);
  const header = first.subarray(0, end >= 0 ? end : first.length).toString("latin1");
  if (!FIELD_RE.test(header)) {
    input.destroy();
    throw new XoauthError(
      "USAGE",
      `The message from ${name} does not start with a header field (like "From: ..."): is it an RFC 5322 message (.eml)?`,
    );
  }
  let failure: XoauthError | undefined;
  async function* bytes(): AsyncGenerator<Buffer> {
    let total = first.length;
    yield first;
    if (done) return;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        const chunk = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
        total += chunk.length;
        if (total > max) {
          failure = tooBig(name, max);
          break;
        }
        yield chunk;
      }
    } catch (e) {
      failure ??= new XoauthError("USAGE", `Reading the message from ${name} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
    input.destroy();
    // A copy: nodemailer overwrites `code` of the stream error it receives; `error()` keeps the typed one.
    if (failure) throw new Error(failure.message);
  }
  return {
    stream: Readable.from(bytes(), { objectMode: false }),
    messageId: messageIdOf(header),
    name,
    error: () => failure,
  };
}
