/** RSET (RFC 1939 §5): unmarks all messages marked deleted. */
import type { Pop3Transport } from "../protocol.js";
import { expectOk } from "./reply.js";

export async function rset(s: Pop3Transport): Promise<void> {
  expectOk(await s.command({ verb: "RSET", shape: "single" }), "RSET");
}
