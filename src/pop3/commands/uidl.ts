/** UIDL (RFC 1939 §7): unique ids of all messages, or of one. */
import { parseUidlLine, type UidlEntry } from "../parser.js";
import type { Pop3Transport } from "../protocol.js";
import { expectOk, msgNumber } from "./reply.js";

export async function uidl(s: Pop3Transport): Promise<UidlEntry[]> {
  return expectOk(await s.command({ verb: "UIDL", shape: "lines" }), "UIDL").lines.map(parseUidlLine);
}

export async function uidlOne(s: Pop3Transport, n: number): Promise<UidlEntry> {
  const args = msgNumber(n);
  return parseUidlLine(expectOk(await s.command({ verb: "UIDL", args, shape: "single" }), `UIDL ${args}`).reply.text);
}
