/** STAT (RFC 1939 §5): message count and size of the maildrop. */
import { parseStat, type Stat } from "../parser.js";
import type { Pop3Transport } from "../protocol.js";
import { expectOk } from "./reply.js";

export async function stat(s: Pop3Transport): Promise<Stat> {
  return parseStat(expectOk(await s.command({ verb: "STAT", shape: "single" }), "STAT").reply.text);
}
