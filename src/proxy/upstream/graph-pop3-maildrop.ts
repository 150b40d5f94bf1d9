/** The maildrop of a POP3-over-Graph session: the listing made at login, and the UIDL of each message. */
import { createHash } from "node:crypto";
import { toXoauthError } from "../../errors.js";
import type { GraphClient } from "../../graph/types.js";
import { LIMITS } from "../../limits.js";
import { measureMime } from "./graph-pop3-mime.js";

export interface MaildropEntry {
  /** Graph's immutable id (`Prefer: IdType="ImmutableId"`, src/graph/client.ts): the same after moves. */
  id: string;
  /** Octets LIST and STAT report. */
  size: number;
}

/**
 * The UIDL of a message (RFC 1939 section 7: 1 to 70 characters 0x21-0x7E, unique in the maildrop, the same in every
 * session): the SHA-256 of its immutable id in base64url, 43 characters. Immutable ids are about 150 characters, too
 * long for a UIDL, and do not change when a message is moved, so a client's "leave on server" list stays valid.
 */
export function uidlOf(immutableId: string): string {
  return createHash("sha256").update(immutableId).digest("base64url");
}

/** Lists the maildrop of `folder`: the oldest messages first, at most LIMITS.proxyGraphPop3MaxMessages. */
export async function listMaildrop(client: GraphClient, folder: string): Promise<MaildropEntry[]> {
  const f = await client.resolveFolder(folder);
  const refs = await client.listMessages(f.id, LIMITS.proxyGraphPop3MaxMessages, { oldestFirst: true, withSize: true });
  const out: MaildropEntry[] = [];
  for (const r of refs) {
    if (r.size !== undefined) {
      out.push({ id: r.id, size: r.size });
      continue;
    }
    try {
      out.push({ id: r.id, size: await measureMime((await client.openMime(r.id)).stream) });
    } catch (e) {
      // Deleted or moved since the listing: not in this maildrop.
      if (toXoauthError(e).details.httpStatus !== 404) throw e;
    }
  }
  return out;
}
