/** QUIT (RFC 1939 §6): in TRANSACTION it commits deletions (UPDATE state); `-ERR` means they were not all done. */
import type { Pop3Transport } from "../protocol.js";
import { expectOk } from "./reply.js";

export async function quit(s: Pop3Transport): Promise<void> {
  expectOk(await s.command({ verb: "QUIT", shape: "single" }), "QUIT");
}
