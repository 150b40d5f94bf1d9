/**
 * Graph-shaped ids: URL-safe base64 with `-`, `_` and `=` padding, like Exchange's (a client must URL-encode them).
 * Message ids change when a message moves unless the client asks for immutable ids
 * (https://learn.microsoft.com/en-us/graph/outlook-immutable-id); folder ids never change.
 */
import { createHash, randomBytes } from "node:crypto";

const urlSafe = (b: Buffer): string => b.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");

/** An id that survives moves (`Prefer: IdType="ImmutableId"`). */
export function newImmutableId(): string {
  return `AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A${urlSafe(randomBytes(31))}`;
}

/** A (non-immutable) message id; a new one after each move. */
export function newMessageId(): string {
  return `AAMkAGI2TG93AAA${urlSafe(randomBytes(43))}`;
}

/** The stable id of a folder of a mailbox. */
export function folderId(mailboxObjectId: string, path: string): string {
  const h = createHash("sha256").update(`${mailboxObjectId}\0${path.toLowerCase()}`).digest();
  return `AAMkAD${urlSafe(h.subarray(0, 31))}AAEMAAA=`;
}

/** An id-shaped segment (malformed ones are `ErrorInvalidIdMalformed`, unknown ones `ErrorItemNotFound`). */
export function looksLikeId(s: string): boolean {
  return s.length >= 20 && /^[A-Za-z0-9_=-]+$/.test(s);
}

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}
