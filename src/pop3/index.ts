/** POP3 client library (RFC 1939, RFC 2449, RFC 2595, RFC 5034). */

export { Pop3Client, type Pop3ClientOptions, type Pop3Timings } from "./client.js";
export { authenticate, authPlain, authXoauth2 } from "./commands/auth.js";
export { capa } from "./commands/capa.js";
export { dele } from "./commands/dele.js";
export { list, listOne } from "./commands/list.js";
export { noop } from "./commands/noop.js";
export { quit } from "./commands/quit.js";
export { retr } from "./commands/retr.js";
export { rset } from "./commands/rset.js";
export { stat } from "./commands/stat.js";
export { stls } from "./commands/stls.js";
export { top } from "./commands/top.js";
export { uidl, uidlOne } from "./commands/uidl.js";
export { pass, user } from "./commands/user.js";
export { type FramerHandlers, type FramerLimits, type FramerMode, Pop3Framer } from "./framer.js";
export * from "./parser.js";
export {
  ALLOWED_COMMANDS,
  type Pop3Request,
  type Pop3Response,
  type Pop3State,
  type Pop3Timeouts,
  type Pop3Transport,
  type ReplyShape,
  type SessionOptions,
} from "./protocol.js";
export { Pop3Session } from "./session.js";
