/**
 * The password logins the proxy offers to legacy clients, PLAIN (RFC 4616) and LOGIN, over the shared server-side
 * SASL exchange (src/sasl/server.ts); this file holds only the proxy's policy (which mechanisms) and wording.
 */
import { parseAuthArgs, runServerSasl } from "../sasl/server.js";
import type { ClientIo } from "./client-io.js";

export interface PasswordCredentials {
  username: string;
  password: string;
}

export type PasswordMechanism = "PLAIN" | "LOGIN";

/** The protocol's wording around the shared SASL exchange (POP3 `+ `/`-ERR`, SMTP `334 `/`501`, IMAP `+ `/`BAD`). */
export interface SaslWording {
  /** A server challenge line without CRLF, e.g. `+ ${c}` or `334 ${c}`. */
  challenge(base64: string): string;
  cancelled: string;
  invalid(mech: PasswordMechanism): string;
}

/**
 * `AUTH <mech> [initial-response]` arguments for the mechanisms the proxy offers: the mechanism and the initial
 * response ("" for `=`, the empty one); undefined for another mechanism or extra arguments.
 */
export function passwordAuthArgs(arg: string): { mech: PasswordMechanism; initial: string | undefined } | undefined {
  const a = parseAuthArgs(arg);
  if (!a || (a.mech !== "PLAIN" && a.mech !== "LOGIN")) return undefined;
  return { mech: a.mech, initial: a.initial };
}

/**
 * Runs a PLAIN or LOGIN exchange (the client cancels with `*`): the credentials, or the reply line (no CRLF) to send
 * when it was cancelled or malformed.
 */
export async function readPasswordSasl(
  io: Pick<ClientIo, "readLine" | "write">,
  mech: PasswordMechanism,
  initial: string | undefined,
  wording: SaslWording,
): Promise<PasswordCredentials | string> {
  const r = await runServerSasl(
    { challenge: (c) => io.write(`${wording.challenge(c)}\r\n`), readLine: () => io.readLine() },
    mech,
    initial,
  );
  if ("password" in r) return { username: r.user, password: r.password };
  return "error" in r && r.error === "cancelled" ? wording.cancelled : wording.invalid(mech);
}
