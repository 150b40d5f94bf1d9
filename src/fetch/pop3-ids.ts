/**
 * Message identity on POP3: UIDL (RFC 1939 §7) when the server has it. Without UIDL (the command answers -ERR), the
 * id is derived from the message itself: SHA-256 of its header block (TOP n 0) plus its LIST size. That id is stable
 * across sessions, so exactly-once still holds. Identical copies (same header block and size) in one listing get
 * `#2`, `#3`, ... appended in listing order (docs/exactly-once.md, "Servers without UIDL").
 */
import { createHash } from "node:crypto";
import type { Pop3Client } from "../pop3/client.js";
import type { ListEntry } from "../pop3/parser.js";

export interface Pop3Message {
  n: number;
  id: string;
  size: number;
}

export async function headerId(client: Pop3Client, n: number, size: number): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of await client.top(n, 0)) h.update(chunk as Buffer);
  return `hdr-${h.digest("hex").slice(0, 32)}-${size}`;
}

/** Ids for every listed message; `uidl: false` when the server refused UIDL and header ids were used. */
export async function listMessages(client: Pop3Client): Promise<{ messages: Pop3Message[]; uidl: boolean }> {
  // LIST and UIDL are pipelined when the server allows it (one round trip for both).
  const listP = client.list();
  const uidlP = client.uidl();
  uidlP.catch(() => {}); // observed below
  const list: ListEntry[] = await listP;
  const sizes = new Map(list.map((e) => [e.n, e.size]));
  let uidl = true;
  let ids: Map<number, string>;
  try {
    ids = new Map((await uidlP).map((e) => [e.n, e.uid]));
  } catch (err) {
    if ((err as { details?: { command?: string } }).details?.command !== "UIDL") throw err;
    uidl = false;
    ids = new Map();
    // Identical copies (same header block and size) in one listing get `#2`, `#3`, ... in listing order, so each
    // has its own id (own file name, own DELE); the first keeps the bare id.
    const seen = new Map<string, number>();
    for (const e of [...list].sort((a, b) => a.n - b.n)) {
      const base = await headerId(client, e.n, e.size);
      const k = (seen.get(base) ?? 0) + 1;
      seen.set(base, k);
      ids.set(e.n, k === 1 ? base : `${base}#${k}`);
    }
  }
  const messages: Pop3Message[] = [];
  for (const [n, id] of ids) messages.push({ n, id, size: sizes.get(n) ?? 0 });
  messages.sort((a, b) => a.n - b.n);
  return { messages, uidl };
}
