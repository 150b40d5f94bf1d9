/** Turning a `-ERR` reply into a typed error (RFC 1939 §3, response codes RFC 2449 §8 / RFC 3206). */
import { type ErrorCode, XoauthError } from "../../errors.js";
import { classifyReply } from "../../exchange/contract.js";
import type { Pop3Reply } from "../parser.js";
import type { Pop3Response } from "../protocol.js";

/**
 * A typed error for a `-ERR` reply, carrying the command (redacted) and the server's line. `code` is the caller's
 * reading of a refusal; a temporary refusal in the Exchange table (src/exchange/contract.ts: `-ERR [IN-USE]`,
 * `-ERR [SYS/TEMP]`, `-ERR Server Unavailable.`) is SERVER_BUSY whatever the command.
 */
export function serverError(command: string, reply: Pop3Reply, code: ErrorCode = "PROTOCOL_ERROR"): XoauthError {
  const row = classifyReply("pop3", undefined, reply.raw);
  const busy = row?.kind === "temporary";
  const what = busy ? `refused ${command} for now` : `rejected ${command}`;
  return new XoauthError(busy ? row.code : code, `The POP3 server ${what}: ${reply.raw.slice(0, 200)}`, {
    details: {
      command,
      serverReply: reply.raw.slice(0, 500),
      ...(reply.respCode ? { params: { respCode: reply.respCode } } : {}),
    },
  });
}

/** Returns the response when it is `+OK`, else throws `serverError`. */
export function expectOk(res: Pop3Response, command: string, code?: ErrorCode): Pop3Response {
  if (res.reply.kind !== "ok") throw serverError(command, res.reply, code);
  return res;
}

/** Message numbers are 1-based decimal integers (RFC 1939 §5). */
export function msgNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new XoauthError("USAGE", `Invalid POP3 message number ${n}.`);
  return String(n);
}
