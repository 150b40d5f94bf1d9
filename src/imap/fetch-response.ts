/** Reading FETCH responses (RFC 3501 §7.4.2): the attribute map, the body literal, numbers. Pure. */
import type { Untagged } from "./imap-session.js";
import { fetchAttributes, type Token, tokenizeResponse } from "./parser.js";

export function fetchOf(r: Untagged): Map<string, Token> | undefined {
  if (r.head.kind !== "numeric" || r.head.type !== "FETCH") return undefined;
  const first = r.segments[0] as string;
  const at = first.toUpperCase().indexOf("FETCH") + "FETCH".length;
  const tokens = tokenizeResponse(r.segments, at);
  return fetchAttributes(tokens[0]);
}

/**
 * The literal announced at the end of `head` (`* n FETCH (... BODY[] {size}`) is a whole body. `uid`: a UID named
 * anywhere before it (for heads without free text); `leadingUid`: only a UID that is the response's first item (an
 * ENVELOPE before the body may contain any text); `seq`: the message sequence number n.
 */
export function bodyLiteral(
  head: string,
): { uid: number | undefined; leadingUid: number | undefined; seq: number } | undefined {
  if (!/\bBODY\[\]\s*\{\d+\+?\}$/i.test(head)) return undefined;
  const anywhere = /\bUID (\d+)\b/i.exec(head);
  const first = /^\* (\d{1,15}) FETCH \((?:UID (\d{1,15})[ )])?/i.exec(head);
  return {
    uid: anywhere ? Number(anywhere[1]) : undefined,
    leadingUid: first?.[2] ? Number(first[2]) : undefined,
    seq: Number(first?.[1] ?? 0),
  };
}

/** The BODY[] string of a FETCH attribute map (a literal, quoted string, or the STREAMED marker). */
export function bodyOf(a: Map<string, Token>): { str: Buffer | string } | undefined {
  const body = a.get("BODY[]");
  return body && typeof body === "object" && !Array.isArray(body) ? body : undefined;
}

export function num(t: Token | undefined): number | undefined {
  return typeof t === "string" && /^\d{1,15}$/.test(t) ? Number(t) : undefined;
}
