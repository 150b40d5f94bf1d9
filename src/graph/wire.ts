/**
 * One HTTP exchange with Graph on the keep-alive agent: send the request, get the status and headers, then read the
 * body bounded (JSON answers, error bodies) or stream it (a message's `$value`) with an inactivity timeout.
 */
import type { ClientRequest, IncomingMessage } from "node:http";
import https from "node:https";
import { type Readable, Transform, type TransformCallback } from "node:stream";
import { XoauthError } from "../errors.js";
import { type VerifiedAgent, verifiedTlsOptions } from "../net/https-agent.js";
import { IdleTimer } from "../net/idle-timer.js";

export interface WireRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  /** Inactivity on the connection until the response headers (and while reading a bounded body). */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface WireResponse {
  status: number;
  statusText: string;
  /** Lower-case names, repeated headers joined with ", ". */
  headers: Record<string, string>;
  res: IncomingMessage;
  req: ClientRequest;
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, "");

function noAnswer(url: URL, timeoutMs: number): XoauthError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new XoauthError("TIMEOUT", `No answer from ${url.host} within ${seconds} s.`, {
    details: { params: { host: hostOf(url), port: url.port || "443", seconds } },
  });
}

/** Sends one request; resolves at the response headers. Network errors reject unmapped (the caller maps them). */
export function sendOnce(agent: VerifiedAgent, r: WireRequest): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const host = hostOf(r.url);
    const req = https.request({
      method: r.method,
      host,
      port: Number(r.url.port) || 443,
      path: `${r.url.pathname}${r.url.search}`,
      headers: { ...r.headers, ...(r.body ? { "content-length": String(r.body.length) } : {}) },
      agent,
      ...verifiedTlsOptions(agent.trust, host),
      ...(r.signal ? { signal: r.signal } : {}),
    });
    req.setTimeout(r.timeoutMs, () => req.destroy(noAnswer(r.url, r.timeoutMs)));
    req.once("error", (e) => reject(r.signal?.aborted ? r.signal.reason : e));
    req.once("response", (res) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers, res, req });
    });
    req.end(r.body);
  });
}

/** Declared or counted length over `max`. */
function tooLarge(what: string, max: number): XoauthError {
  return new XoauthError("LIMIT_EXCEEDED", `${what} is larger than ${max} bytes.`, {
    details: { params: { maxBytes: max } },
  });
}

/**
 * The whole body, at most `max` bytes. `truncate`: keep the first `max` bytes and drop the connection (error
 * bodies are only quoted); otherwise more is LIMIT_EXCEEDED naming `what`.
 */
export function readBounded(w: WireResponse, max: number, what: string, truncate = false): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(w.headers["content-length"]);
    if (!truncate && Number.isFinite(declared) && declared > max) {
      w.req.destroy();
      reject(tooLarge(what, max));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    w.res.on("data", (c: Buffer) => {
      if (size + c.length > max) {
        if (truncate) chunks.push(c.subarray(0, max - size));
        w.req.destroy();
        if (truncate) resolve(Buffer.concat(chunks));
        else reject(tooLarge(what, max));
        return;
      }
      size += c.length;
      chunks.push(c);
    });
    w.res.once("end", () => resolve(Buffer.concat(chunks)));
    w.res.once("error", reject);
    w.res.once("aborted", () => reject(Object.assign(new Error("response aborted"), { code: "ECONNRESET" })));
  });
}

/** Discards a body nobody needs (a 204's, a 202's) so the connection can be reused. */
export async function drain(w: WireResponse, max: number): Promise<void> {
  await readBounded(w, max, "The answer", true);
}

export interface StreamOptions {
  max: number;
  idleMs: number;
  /** Names the body in errors: `The message AAMk...`. */
  what: string;
  /** Types a network error of the connection (mapNetworkError). */
  mapError: (e: unknown) => Error;
  /** Runs once when the stream ends, fails or is destroyed by the consumer. */
  onClose: () => void;
}

/**
 * The body as a stream with backpressure: at most `max` bytes (LIMIT_EXCEEDED), at most `idleMs` without a chunk
 * (TIMEOUT). Nothing is buffered beyond the streams' high-water marks.
 */
export function streamBody(w: WireResponse, o: StreamOptions): Readable {
  const { max, idleMs, what } = o;
  // The idle timer below replaces the socket timeout, which would also count the consumer's slow writes.
  w.req.setTimeout(0);
  let size = 0;
  const idle = new IdleTimer((ms) => {
    out.destroy(
      new XoauthError("TIMEOUT", `${what}: no data for ${Math.round(ms / 1000)} s.`, {
        details: { params: { seconds: Math.round(ms / 1000) } },
      }),
    );
  });
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      size += chunk.length;
      if (size > max) {
        cb(tooLarge(what, max));
        return;
      }
      idle.start(idleMs, what);
      cb(null, chunk);
    },
  });
  const declared = Number(w.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    w.req.destroy();
    queueMicrotask(() => out.destroy(tooLarge(what, max)));
  }
  idle.start(idleMs, what);
  out.once("close", () => {
    idle.stop();
    // A consumer that stops early: the rest of the body is not wanted, so the connection goes (not back to the pool).
    if (!w.res.complete) w.req.destroy();
    o.onClose();
  });
  const cut = (): Error =>
    o.mapError(Object.assign(new Error("connection closed in the middle of the body"), { code: "ECONNRESET" }));
  w.res.once("aborted", () => out.destroy(cut()));
  w.res.once("error", (e) => out.destroy(e instanceof XoauthError ? e : cut()));
  w.res.pipe(out);
  return out;
}
