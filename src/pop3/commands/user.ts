/** USER / PASS (RFC 1939 §7); the password never appears in the trace. */
import { markSecret } from "../../log/redact.js";
import type { Pop3Transport } from "../protocol.js";
import { expectOk } from "./reply.js";

export async function user(s: Pop3Transport, name: string): Promise<void> {
  expectOk(await s.command({ verb: "USER", args: name, shape: "single" }), "USER", "MAILBOX_ACCESS_DENIED");
}

export async function pass(s: Pop3Transport, password: string): Promise<void> {
  markSecret(password);
  const res = await s.command({ verb: "PASS", args: password, shape: "single", trace: "PASS <redacted>" });
  expectOk(res, "PASS", "MAILBOX_ACCESS_DENIED");
}
