/**
 * One request to the Graph fake: its ids, preferences and the answers. Every answer carries `request-id` and
 * `client-request-id` (the client's, echoed, or a new one); every error is a row of src/exchange/graph-replies.ts
 * in Graph's body shape `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`
 * (https://learn.microsoft.com/en-us/graph/errors).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type GraphReplyId, graphReply } from "../../exchange/graph-replies.js";

export interface GraphCall {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  clientRequestId: string;
  /** `Prefer: IdType="ImmutableId"` (https://learn.microsoft.com/en-us/graph/outlook-immutable-id). */
  immutable: boolean;
  /** `Prefer: odata.maxpagesize=N`. */
  maxPageSize?: number;
  /** API root with version, e.g. `https://127.0.0.1:4450/v1.0`. */
  base: string;
}

export function newCall(req: IncomingMessage, res: ServerResponse, origin: string): GraphCall {
  const prefer = String(req.headers.prefer ?? "");
  const page = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer);
  const given = req.headers["client-request-id"];
  return {
    req,
    res,
    url: new URL(req.url ?? "/", origin),
    requestId: randomUUID(),
    clientRequestId: typeof given === "string" && given.length > 0 ? given.slice(0, 200) : randomUUID(),
    immutable: /IdType\s*=\s*"?ImmutableId"?/i.test(prefer),
    ...(page ? { maxPageSize: Number(page[1]) } : {}),
    base: `${linkOrigin(req, origin)}/v1.0`,
  };
}

/** Links (next, delta, context) name the host the client connected to: a relay in front of the fake (bench/relay.ts). */
function linkOrigin(req: IncomingMessage, origin: string): string {
  const host = req.headers.host;
  return host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `https://${host}` : origin;
}

function idHeaders(c: GraphCall): Record<string, string> {
  return { "request-id": c.requestId, "client-request-id": c.clientRequestId };
}

/** Graph's innerError date: UTC without fraction or zone, e.g. `2024-05-01T10:20:30`. */
export function graphDate(d = new Date()): string {
  return d.toISOString().slice(0, 19);
}

export function sendJson(c: GraphCall, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = Buffer.from(JSON.stringify(body));
  c.res.writeHead(status, {
    ...idHeaders(c),
    "content-type":
      "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
    "content-length": String(text.length),
    ...headers,
  });
  c.res.end(text);
}

export function sendEmpty(c: GraphCall, status: number, headers: Record<string, string> = {}): void {
  c.res.writeHead(status, { ...idHeaders(c), "content-length": "0", ...headers });
  c.res.end();
}

/** Streams a body (e.g. `$value`) without Content-Length, as Graph does (chunked), honouring backpressure. */
export async function sendStream(c: GraphCall, data: Buffer, contentType: string): Promise<void> {
  c.res.writeHead(200, { ...idHeaders(c), "content-type": contentType });
  const chunk = 64 * 1024;
  for (let off = 0; off < data.length; off += chunk) {
    if (c.res.destroyed) return;
    if (!c.res.write(data.subarray(off, off + chunk))) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          c.res.off("drain", done);
          c.res.off("close", done);
          resolve();
        };
        c.res.once("drain", done);
        c.res.once("close", done);
      });
    }
  }
  c.res.end();
}

/** Answers with a row of the Graph table; `{placeholders}` of its message filled from `params`. */
export function sendError(
  c: GraphCall,
  id: GraphReplyId,
  params: Record<string, string> = {},
  opts: { retryAfterSec?: number; close?: boolean } = {},
): void {
  const row = graphReply(id);
  const message = row.message.replace(/\{([a-z]+)\}/g, (m, k: string) => params[k] ?? m);
  const headers: Record<string, string> = {};
  if (row.retryAfter) headers["retry-after"] = String(opts.retryAfterSec ?? 1);
  if (opts.close) headers.connection = "close";
  sendJson(
    c,
    row.status,
    {
      error: {
        code: row.code,
        message,
        innerError: { date: graphDate(), "request-id": c.requestId, "client-request-id": c.clientRequestId },
      },
    },
    headers,
  );
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false };

/** Reads a request body of at most `limit` bytes; more is `{ ok: false }` (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      req.resume();
      return resolve({ ok: false });
    }
    const parts: Buffer[] = [];
    let n = 0;
    let over = false;
    req.on("data", (d: Buffer) => {
      n += d.length;
      if (n > limit) over = true;
      if (!over) parts.push(d);
    });
    req.on("end", () => resolve(over ? { ok: false } : { ok: true, body: Buffer.concat(parts) }));
    req.on("error", reject);
  });
}

/** The JSON object of a body, or undefined when it is not one. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body.toString("utf8")) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
