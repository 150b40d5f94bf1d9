/** CAPA (RFC 2449 §5): a server without CAPA (`-ERR`) simply has no extensions. */
import { type Capabilities, parseCapa } from "../parser.js";
import type { Pop3Transport } from "../protocol.js";

export async function capa(s: Pop3Transport): Promise<Capabilities> {
  const res = await s.command({ verb: "CAPA", shape: "lines" });
  return parseCapa(res.reply.kind === "ok" ? res.lines : []);
}
