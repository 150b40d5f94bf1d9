/**
 * A Graph request with its policy: a concurrency slot, the bearer token, a fresh `client-request-id`, the redacted
 * trace, and the retries — 429/503/504 after `Retry-After` within a bounded total wait
 * (https://learn.microsoft.com/en-us/graph/throttling), one retry with a fresh token after a 401 "expired", one retry
 * on another connection after a GET's connection was closed (a kept-alive socket the server had just closed).
 */
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { retryAfterMs } from "../auth/http-client.js";
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { mapNetworkError } from "../net/errors.js";
import type { VerifiedAgent } from "../net/https-agent.js";
import type { TraceFn } from "../net/types.js";
import { classifyGraphError, type GraphOperation } from "./classify.js";
import type { Semaphore } from "./semaphore.js";
import { GRAPH_LIMITS, type GraphRequestInfo } from "./types.js";
import { drain, readBounded, sendOnce, streamBody, type WireResponse } from "./wire.js";

export interface GraphCall {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: string;
  /** JSON (serialised here) or raw bytes with `contentType`. */
  json?: unknown;
  body?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** false for pre-authorised URLs (upload sessions): no Authorization header. */
  auth?: boolean;
  /** Statuses that mean success. */
  expect: readonly number[];
  /** What the request does, for the 403 rule (default: read for GET, write otherwise). */
  operation?: GraphOperation;
}

export interface RequestContext {
  agent: VerifiedAgent;
  slots: Semaphore;
  mailbox: string;
  tokenProvider: { getToken(o?: { forceRefresh?: boolean }): Promise<{ token: string }> };
  timeoutMs: number;
  maxRetryWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  trace?: TraceFn | undefined;
  signal?: AbortSignal | undefined;
  /** Counts every HTTP request sent. */
  onSend: () => void;
}

/** How a request line is traced and quoted in errors: path and the names of query parameters, never their values. */
export function shownRequest(method: string, url: URL): string {
  const keys = [...new Set([...url.searchParams.keys()])];
  return `${method} ${url.pathname}${keys.length ? `?${keys.join("&")}` : ""}`;
}

/** Waits after a 429/503/504 without Retry-After: 1, 2, 4, ... s. */
const backoffMs = (attempt: number): number => Math.min(1000 * 2 ** (attempt - 1), 30_000);

/** Error bodies are only quoted: at most this much is read. */
const MAX_ERROR_BODY = 64 * 1024;

interface Exchange {
  w: WireResponse;
  info: GraphRequestInfo;
}

/** Sends `call` until it succeeds or fails for good; the caller holds a slot for the whole exchange. */
async function exchange(ctx: RequestContext, call: GraphCall): Promise<Exchange> {
  const url = new URL(call.url);
  const shown = shownRequest(call.method, url);
  const body = call.json !== undefined ? Buffer.from(JSON.stringify(call.json)) : call.body;
  const contentType = call.json !== undefined ? "application/json" : call.contentType;
  let waited = 0;
  let refreshed = false;
  let netRetried = false;
  for (let attempt = 1; ; attempt++) {
    const token =
      call.auth === false ? undefined : (await ctx.tokenProvider.getToken({ forceRefresh: refreshed })).token;
    const clientRequestId = randomUUID();
    const headers: Record<string, string> = {
      accept: "application/json",
      "client-request-id": clientRequestId,
      "return-client-request-id": "true",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(contentType ? { "content-type": contentType } : {}),
      ...call.headers,
    };
    ctx.trace?.({ dir: "c", line: shown });
    let w: WireResponse;
    try {
      ctx.onSend();
      w = await sendOnce(ctx.agent, {
        method: call.method,
        url,
        headers,
        body,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
      });
    } catch (e) {
      // A connection closed under a GET (typically a kept-alive socket the server had just closed) is tried once more
      // on another; requests that change something are not repeated: Graph may have done them.
      const mapped = mapNetworkError(e, "mail-server", url.hostname.replace(/^\[|\]$/g, ""), url.port || 443);
      const retry = !netRetried && !ctx.signal?.aborted && call.method === "GET" && mapped.code === "CONNECTION_CLOSED";
      ctx.trace?.({ dir: "info", line: `${shown}: ${mapped.message}${retry ? " (retrying once)" : ""}` });
      if (retry) {
        netRetried = true;
        continue;
      }
      throw ctx.signal?.aborted ? ctx.signal.reason : mapped;
    }
    const requestId = w.headers["request-id"];
    ctx.trace?.({ dir: "s", line: `${w.status} ${w.statusText}${requestId ? ` request-id=${requestId}` : ""}` });
    const info: GraphRequestInfo = { status: w.status, clientRequestId, ...(requestId ? { requestId } : {}) };
    if (call.expect.includes(w.status)) return { w, info };
    const errBody = await readBounded(w, MAX_ERROR_BODY, "The error answer", true).catch(() => Buffer.alloc(0));
    const base = { mailbox: ctx.mailbox, token, request: shown, clientRequestId, operation: call.operation };
    const err = classifyGraphError(w.status, errBody, w.headers, base);
    if (attempt >= GRAPH_LIMITS.maxAttempts) throw err;
    if (w.status === 401 && err.code === "TOKEN_EXPIRED" && !refreshed && call.auth !== false) {
      refreshed = true;
      ctx.trace?.({ dir: "info", line: "token expired: asking for a new one" });
      continue;
    }
    if (w.status === 429 || w.status === 503 || w.status === 504) {
      const asked = retryAfterMs(w.headers["retry-after"]);
      const wait = asked ?? backoffMs(attempt);
      if (waited + wait > ctx.maxRetryWaitMs)
        throw classifyGraphError(w.status, errBody, w.headers, {
          ...base,
          retryAfterMs: wait,
          maxRetryWaitMs: ctx.maxRetryWaitMs,
        });
      ctx.trace?.({ dir: "info", line: `waiting ${Math.ceil(wait / 1000)} s before retrying (${w.status})` });
      await ctx.sleep(wait);
      waited += wait;
      continue;
    }
    throw err;
  }
}

/** A request answered with JSON (bounded by GRAPH_LIMITS.maxJsonBytes); `undefined` for an empty body. */
export async function requestJson<T>(
  ctx: RequestContext,
  call: GraphCall,
): Promise<{ info: GraphRequestInfo; json: T }> {
  const release = await ctx.slots.acquire(ctx.signal);
  try {
    const { w, info } = await exchange(ctx, call);
    const raw = await readBounded(
      w,
      GRAPH_LIMITS.maxJsonBytes,
      `Graph's answer to ${shownRequest(call.method, new URL(call.url))}`,
    );
    if (raw.length === 0) return { info, json: undefined as T };
    try {
      return { info, json: JSON.parse(raw.toString("utf8")) as T };
    } catch {
      throw new XoauthError(
        "PROTOCOL_ERROR",
        `Graph's answer to ${shownRequest(call.method, new URL(call.url))} is not JSON.`,
        {
          details: {
            httpStatus: info.status,
            params: { mailbox: ctx.mailbox, requestId: info.requestId, clientRequestId: info.clientRequestId },
          },
        },
      );
    }
  } finally {
    release();
  }
}

/** A request whose answer body does not matter (204, 202): drained so the connection is reused. */
export async function requestNoBody(ctx: RequestContext, call: GraphCall): Promise<GraphRequestInfo> {
  const release = await ctx.slots.acquire(ctx.signal);
  try {
    const { w, info } = await exchange(ctx, call);
    await drain(w, GRAPH_LIMITS.maxJsonBytes);
    return info;
  } finally {
    release();
  }
}

/** A request whose body is streamed (`$value`); the slot is held until the stream closes. */
export async function requestStream(
  ctx: RequestContext,
  call: GraphCall,
  what: string,
): Promise<{ info: GraphRequestInfo; stream: Readable; length?: number }> {
  const release = await ctx.slots.acquire(ctx.signal);
  let ex: Exchange;
  try {
    ex = await exchange(ctx, call);
  } catch (e) {
    release();
    throw e;
  }
  const url = new URL(call.url);
  const stream = streamBody(ex.w, {
    max: LIMITS.maxMessageBytes,
    idleMs: LIMITS.timeouts.dataIdleMs,
    what,
    mapError: (e) => mapNetworkError(e, "mail-server", url.hostname, url.port || 443),
    onClose: release,
  });
  const length = Number(ex.w.headers["content-length"]);
  return { info: ex.info, stream, ...(Number.isFinite(length) && ex.w.headers["content-length"] ? { length } : {}) };
}
