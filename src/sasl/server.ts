/**
 * Server side of a SASL exchange (RFC 4422 §3-5) for the proxy's front ends and the sandbox fakes: the `AUTH` /
 * `AUTHENTICATE` arguments and the challenge-response loop over the step functions of plain.ts, login.ts and
 * xoauth2.ts. The protocol supplies only its wording (`334 `, `+ `) and its line source.
 */
import { loginServer } from "./login.js";
import { plainServer } from "./plain.js";
import type { SaslServerMechanism, SaslServerStep } from "./types.js";
import { xoauth2Server } from "./xoauth2.js";

export type ServerMechanismName = "PLAIN" | "LOGIN" | "XOAUTH2";

const SERVER_MECHANISMS: Record<ServerMechanismName, () => SaslServerMechanism> = {
  PLAIN: plainServer,
  LOGIN: loginServer,
  XOAUTH2: xoauth2Server,
};

/** Most challenges in one exchange (LOGIN needs two): a client cannot keep a login going forever. */
const MAX_STEPS = 4;

/**
 * The arguments of `AUTH <mech> [initial-response]` (SMTP RFC 4954 §4, POP3 RFC 5034 §4) or of
 * `AUTHENTICATE <mech> [initial-response]` (IMAP RFC 9051 §6.2.2, SASL-IR RFC 4959): the upper-cased mechanism and
 * the initial response. A lone `=` is an initial response that is present and empty, so `initial` is "" then.
 * Undefined when the mechanism is missing or more arguments follow.
 */
export function parseAuthArgs(arg: string): { mech: string; initial: string | undefined } | undefined {
  const [mech, initial, extra] = arg.split(" ");
  if (!mech || extra !== undefined) return undefined;
  return { mech: mech.toUpperCase(), initial: initialResponse(initial) };
}

/** `=` is the empty initial response (RFC 4954 §4, RFC 4959 §3, RFC 5034 §4); anything else is itself. */
export function initialResponse(text: string | undefined): string | undefined {
  return text === "=" ? "" : text;
}

/** What the exchange needs from the connection. */
export interface SaslServerIo {
  /** Sends a challenge (base64; "" is an empty one) in the protocol's wording, e.g. `334 <c>` or `+ <c>`. */
  challenge(base64: string): void;
  /** The client's next line; null at the end of input. */
  readLine(): Promise<string | null>;
}

export type SaslServerResult =
  | Exclude<SaslServerStep, { done: false }>
  | { done: true; error: "cancelled" | "closed" | "too-many-steps" };

/**
 * Runs one exchange. No initial response gets the mechanism's first challenge (PLAIN, XOAUTH2: an empty one; LOGIN:
 * `Username:`); so does an empty one (`=`) for PLAIN and XOAUTH2, while for LOGIN it is an empty user name, refused.
 * The client cancels with `*` (RFC 4422 §3.5).
 */
export async function runServerSasl(
  io: SaslServerIo,
  mech: ServerMechanismName,
  initial: string | undefined,
): Promise<SaslServerResult> {
  const m = SERVER_MECHANISMS[mech]();
  const none = initial === undefined || (initial === "" && m.emptyInitialAsksChallenge);
  let challenge = none ? m.start() : undefined;
  let response = initial ?? "";
  for (let n = 0; n < MAX_STEPS; n++) {
    if (challenge !== undefined) {
      io.challenge(challenge);
      const line = await io.readLine();
      if (line === null) return { done: true, error: "closed" };
      if (line.trim() === "*") return { done: true, error: "cancelled" };
      response = line;
    }
    const step = m.step(response);
    if (step.done) return step;
    challenge = step.challenge;
  }
  return { done: true, error: "too-many-steps" };
}
