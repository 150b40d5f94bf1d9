/**
 * Exchange Online ends an IMAP session when the access token used at login expires: an untagged
 * `* BYE Session invalidated - AccessTokenExpired`, then it closes the connection, whatever command was running
 * (LIST: https://github.com/iroco-co/aioimaplib/issues/83; a long FETCH:
 * https://github.com/joeyates/imap-backup/issues/198). That is no failure: log in again with a new token.
 */
import type { XoauthError } from "../errors.js";

const TOKEN_EXPIRED_BYE = /\bAccessTokenExpired\b/i;

/** True when the connection ended with Exchange's token-expiry BYE (the session's `serverReply` holds the BYE). */
export function isTokenExpiry(err: XoauthError): boolean {
  return err.code === "CONNECTION_CLOSED" && TOKEN_EXPIRED_BYE.test(err.details.serverReply ?? "");
}
