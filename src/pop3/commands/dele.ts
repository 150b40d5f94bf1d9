/** DELE (RFC 1939 §5): marks a message deleted; it is removed only at QUIT (UPDATE state). */
import type { Pop3Transport } from "../protocol.js";
import { expectOk, msgNumber } from "./reply.js";

export async function dele(s: Pop3Transport, n: number): Promise<void> {
  const args = msgNumber(n);
  expectOk(await s.command({ verb: "DELE", args, shape: "single" }), `DELE ${args}`);
}
