/** SASL LOGIN (draft-murchison-sasl-login-00): server asks "Username:" then "Password:", base64 each way. */
import { markSecret } from "../log/redact.js";
import { decodeBase64Strict, encodeBase64 } from "./base64.js";
import type { SaslClientMechanism, SaslCredentials, SaslServerMechanism, SaslServerStep } from "./types.js";

export const LOGIN_USERNAME_CHALLENGE = encodeBase64("Username:");
export const LOGIN_PASSWORD_CHALLENGE = encodeBase64("Password:");

/** Client mechanism: no initial response; answers the prompts by their text, else by order (user, then password). */
export function loginMechanism(creds: SaslCredentials): SaslClientMechanism {
  let steps = 0;
  return {
    name: "LOGIN",
    start: () => undefined,
    step(challenge: string): string {
      const prompt = decodeBase64Strict(challenge)?.toString("utf8").toLowerCase() ?? "";
      const wantsPassword = prompt.startsWith("password") || (!prompt.startsWith("user") && steps > 0);
      steps++;
      if (!wantsPassword) return encodeBase64(creds.user);
      const b64 = encodeBase64(creds.password ?? creds.token ?? "");
      markSecret(creds.password ?? creds.token);
      markSecret(b64);
      return b64;
    },
  };
}

/**
 * Server side (proxy): `start()` gives the first challenge, `step(response)` the next or the result. An empty user
 * name or password is malformed, as with PLAIN (RFC 4616 §2 requires both).
 */
export function loginServer(): SaslServerMechanism {
  let user: string | undefined;
  return {
    emptyInitialAsksChallenge: false,
    start: () => LOGIN_USERNAME_CHALLENGE,
    step(response: string): SaslServerStep {
      const text = decodeBase64Strict(response)?.toString("utf8");
      if (!text) return { done: true, error: "malformed" };
      if (user === undefined) {
        user = text;
        return { done: false, challenge: LOGIN_PASSWORD_CHALLENGE };
      }
      markSecret(text);
      return { done: true, user, password: text };
    },
  };
}
