/** LIST (RFC 1939 §5): sizes of all messages, or of one. */
import { type ListEntry, parseListLine } from "../parser.js";
import type { Pop3Transport } from "../protocol.js";
import { expectOk, msgNumber } from "./reply.js";

export async function list(s: Pop3Transport): Promise<ListEntry[]> {
  return expectOk(await s.command({ verb: "LIST", shape: "lines" }), "LIST").lines.map(parseListLine);
}

export async function listOne(s: Pop3Transport, n: number): Promise<ListEntry> {
  const args = msgNumber(n);
  return parseListLine(expectOk(await s.command({ verb: "LIST", args, shape: "single" }), `LIST ${args}`).reply.text);
}
