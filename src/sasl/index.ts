/** SASL mechanisms (RFC 4422): pure builders/parsers, the client mechanism registry, the server-side exchange. */
export { decodeBase64Strict, encodeBase64 } from "./base64.js";
export {
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  loginMechanism,
  loginServer,
} from "./login.js";
export { buildPlain, type PlainMessage, parsePlain, plainMechanism, plainServer } from "./plain.js";
export { createMechanism, listMechanisms, registerMechanism } from "./registry.js";
export {
  initialResponse,
  parseAuthArgs,
  runServerSasl,
  type SaslServerIo,
  type SaslServerResult,
  type ServerMechanismName,
} from "./server.js";
export type {
  SaslClientMechanism,
  SaslCredentials,
  SaslMechanismFactory,
  SaslServerMechanism,
  SaslServerStep,
} from "./types.js";
export {
  buildXoauth2,
  parseXoauth2,
  parseXoauth2Error,
  type Xoauth2ErrorContinuation,
  xoauth2Mechanism,
  xoauth2Server,
} from "./xoauth2.js";
