/** AUTH (RFC 5034 §4), always in the two-step form: `AUTH MECH` -> `+ ` -> response lines -> `+OK` / `-ERR`. */
import { XoauthError } from "../../errors.js";
import { resolveToken, type TokenSource } from "../../net/types.js";
import { buildPlain } from "../../sasl/plain.js";
import type { SaslClientMechanism } from "../../sasl/types.js";
import { parseXoauth2Error, type Xoauth2ErrorContinuation, xoauth2Mechanism } from "../../sasl/xoauth2.js";
import type { Pop3Reply } from "../parser.js";
import type { Pop3Transport } from "../protocol.js";
import { serverError } from "./reply.js";

const MAX_STEPS = 8;

/**
 * Runs one SASL exchange (RFC 5034 §4). The initial response is sent after the first `+` (never on the AUTH line).
 * `-ERR` before any credentials: XOAUTH2_NOT_OFFERED for XOAUTH2; otherwise MAILBOX_ACCESS_DENIED. Resolves with the
 * server's `+OK` reply.
 */
export async function authenticate(s: Pop3Transport, mech: SaslClientMechanism): Promise<Pop3Reply> {
  let steps = 0;
  let sentCredentials = false;
  let saslError: Xoauth2ErrorContinuation | undefined;
  const command = `AUTH ${mech.name}`;
  const res = await s.command({
    verb: "AUTH",
    args: mech.name,
    shape: "single",
    onContinue(challenge: string): string {
      if (++steps > MAX_STEPS) {
        throw new XoauthError("PROTOCOL_ERROR", `The POP3 server sent too many ${mech.name} challenges.`);
      }
      if (!sentCredentials) {
        sentCredentials = true;
        const initial = mech.start();
        if (initial !== undefined) return initial;
      } else if (mech.name === "XOAUTH2") {
        saslError = parseXoauth2Error(challenge);
      }
      return mech.step(challenge);
    },
  });
  if (res.reply.kind === "ok") return res.reply;
  const notOffered = !sentCredentials && mech.name === "XOAUTH2";
  const err = serverError(command, res.reply, notOffered ? "XOAUTH2_NOT_OFFERED" : "MAILBOX_ACCESS_DENIED");
  if (saslError) {
    err.details.params = {
      ...err.details.params,
      saslStatus: saslError.status,
      saslSchemes: saslError.schemes,
      saslScope: saslError.scope,
    };
  }
  throw err;
}

/**
 * THE POP3 XOAUTH2 login of the tree (`test`, `fetch` and the proxy's upstream all log in here): `AUTH XOAUTH2`, the
 * base64 initial response after the server's `+`, a JSON error continuation answered with an empty line. Always the
 * two-step form: Microsoft documents it for POP ("Authenticate an IMAP, POP or SMTP connection using OAuth": "AUTH
 * XOAUTH2" then the base64 string), and a long token on the AUTH line exceeds servers' line limits. The token source
 * is asked now, at the moment of login.
 */
export async function authXoauth2(s: Pop3Transport, user: string, token: TokenSource): Promise<Pop3Reply> {
  const bearer = await resolveToken(token);
  return authenticate(s, xoauth2Mechanism({ user, token: bearer }));
}

/** AUTH PLAIN in two steps (RFC 4616 message after the empty challenge). */
export function authPlain(s: Pop3Transport, user: string, password: string, authzid = ""): Promise<Pop3Reply> {
  const msg = (): string => buildPlain(user, password, authzid);
  return authenticate(s, { name: "PLAIN", start: msg, step: msg });
}
