/** SASL mechanisms (RFC 4422): pure builders/parsers and the client mechanism registry. */
export { decodeBase64Strict, encodeBase64 } from "./base64.js";
export {
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  type LoginServerStep,
  loginMechanism,
  loginServer,
} from "./login.js";
export { buildPlain, type PlainMessage, parsePlain, plainMechanism } from "./plain.js";
export { createMechanism, listMechanisms, registerMechanism } from "./registry.js";
export type { SaslClientMechanism, SaslCredentials, SaslMechanismFactory } from "./types.js";
export {
  buildXoauth2,
  parseXoauth2,
  parseXoauth2Error,
  type Xoauth2ErrorContinuation,
  xoauth2Mechanism,
} from "./xoauth2.js";
