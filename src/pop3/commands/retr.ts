/** RETR (RFC 1939 §5): the message as dot-unstuffed bytes, as a stream or (small enough) whole. */
import type { Readable } from "node:stream";
import type { Pop3Transport } from "../protocol.js";
import { expectOk, msgNumber } from "./reply.js";

/** A retrieved message: whole (`chunks`; call `release` once taken) or, when bigger, a stream to consume or destroy. */
export type RetrBody = { chunks: Buffer[]; release: () => void } | { stream: Readable };

export async function retr(s: Pop3Transport, n: number): Promise<Readable> {
  const args = msgNumber(n);
  return expectOk(await s.command({ verb: "RETR", args, shape: "body" }), `RETR ${args}`).body as Readable;
}

/** RETR with a message of at most `upTo` bytes handed over whole: no stream, no promise per chunk. */
export async function retrWhole(s: Pop3Transport, n: number, upTo: number): Promise<RetrBody> {
  const args = msgNumber(n);
  const res = expectOk(await s.command({ verb: "RETR", args, shape: "body", wholeUpTo: upTo }), `RETR ${args}`);
  if (res.chunks && res.release) return { chunks: res.chunks, release: res.release };
  return { stream: res.body as Readable };
}
