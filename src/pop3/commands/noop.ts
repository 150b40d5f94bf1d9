/** NOOP (RFC 1939 §5): keeps the session alive. */
import type { Pop3Transport } from "../protocol.js";
import { expectOk } from "./reply.js";

export async function noop(s: Pop3Transport): Promise<void> {
  expectOk(await s.command({ verb: "NOOP", shape: "single" }), "NOOP");
}
