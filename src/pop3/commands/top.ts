/** TOP (RFC 1939 §7): headers plus the first `lines` body lines, streamed like RETR. */
import type { Readable } from "node:stream";
import { XoauthError } from "../../errors.js";
import type { Pop3Transport } from "../protocol.js";
import { expectOk, msgNumber } from "./reply.js";

export async function top(s: Pop3Transport, n: number, lines: number): Promise<Readable> {
  if (!Number.isSafeInteger(lines) || lines < 0) throw new XoauthError("USAGE", `Invalid TOP line count ${lines}.`);
  const args = `${msgNumber(n)} ${lines}`;
  return expectOk(await s.command({ verb: "TOP", args, shape: "body" }), `TOP ${args}`).body as Readable;
}
