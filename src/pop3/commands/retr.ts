/** RETR (RFC 1939 §5): the message as a stream of dot-unstuffed bytes; consume or destroy it. */
import type { Readable } from "node:stream";
import type { Pop3Transport } from "../protocol.js";
import { expectOk, msgNumber } from "./reply.js";

export async function retr(s: Pop3Transport, n: number): Promise<Readable> {
  const args = msgNumber(n);
  return expectOk(await s.command({ verb: "RETR", args, shape: "body" }), `RETR ${args}`).body as Readable;
}
