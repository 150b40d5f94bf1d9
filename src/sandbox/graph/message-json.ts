/**
 * The JSON of a message resource (https://learn.microsoft.com/en-us/graph/api/resources/message) from the stored
 * MIME: headers parsed once per body and cached; `$select` keeps `id` and `@odata.etag` like Graph.
 */
import { headerFields } from "../exchange/imap-fetch.js";
import type { MessageMeta } from "./store.js";

export interface Recipient {
  emailAddress: { name: string; address: string };
}

interface HeaderSummary {
  subject: string;
  messageId?: string;
  from: Recipient[];
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  replyTo: Recipient[];
  date?: Date;
  hasAttachments: boolean;
}

const MAX_HEADER = 256 * 1024;
const cache = new WeakMap<Buffer, HeaderSummary>();

/** The header block of a message (bounded). */
export function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : raw.length;
  return raw.subarray(0, Math.min(end, MAX_HEADER));
}

/** RFC 2047 encoded words (B and Q) in a header value. */
export function decodeWords(v: string): string {
  return v.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g, (_m, cs: string, enc: string, text: string) => {
    const bytes =
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            "latin1",
          );
    try {
      return new TextDecoder(cs.toLowerCase()).decode(bytes);
    } catch {
      return bytes.toString("latin1");
    }
  });
}

/** An address header (`"Name" <a@b>, c@d`) as Graph recipients. */
export function parseRecipients(v: string | undefined): Recipient[] {
  if (!v) return [];
  const parts = v.match(/(?:"[^"]*"|[^,])+/g) ?? [];
  const out: Recipient[] = [];
  for (const p of parts) {
    const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]*)>\s*$/.exec(p) ?? /^\s*()([^\s<>]+@[^\s<>]+)\s*$/.exec(p);
    const address = m?.[2]?.trim();
    if (address) out.push({ emailAddress: { name: decodeWords(m?.[1]?.trim() || address), address } });
  }
  return out;
}

export function summary(raw: Buffer): HeaderSummary {
  const hit = cache.get(raw);
  if (hit) return hit;
  const fields = headerFields(headerBlock(raw));
  const get = (n: string): string | undefined => fields.find((f) => f.name === n)?.value;
  const utf8 = (s: string | undefined): string | undefined =>
    s === undefined ? undefined : Buffer.from(s, "latin1").toString("utf8");
  const date = get("date");
  const s: HeaderSummary = {
    subject: decodeWords(utf8(get("subject")) ?? ""),
    ...(get("message-id") ? { messageId: get("message-id") } : {}),
    from: parseRecipients(utf8(get("from"))),
    to: parseRecipients(utf8(get("to"))),
    cc: parseRecipients(utf8(get("cc"))),
    bcc: parseRecipients(utf8(get("bcc"))),
    replyTo: parseRecipients(utf8(get("reply-to"))),
    ...(date && !Number.isNaN(Date.parse(date)) ? { date: new Date(date) } : {}),
    hasAttachments: /multipart\/mixed/i.test(get("content-type") ?? ""),
  };
  cache.set(raw, s);
  return s;
}

/** Graph's date-time: UTC with `Z`, no fraction. */
const iso = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/** The message resource; `select` (lower-case names) keeps only those properties plus `id` and `@odata.etag`. */
export function messageJson(m: MessageMeta, folderId: string, immutable: boolean, select?: string[]): object {
  const h = summary(m.msg.raw);
  const changeKey = `CQAAABYAAAA${m.changeKey.toString(16).padStart(8, "0")}`;
  const full: Record<string, unknown> = {
    "@odata.etag": `W/"${changeKey}"`,
    id: immutable ? m.immutableId : m.id,
    createdDateTime: iso(m.created),
    lastModifiedDateTime: iso(m.msg.internalDate),
    changeKey,
    categories: [],
    receivedDateTime: iso(m.msg.internalDate),
    sentDateTime: iso(h.date ?? m.msg.internalDate),
    hasAttachments: h.hasAttachments || (m.draft?.attachments.length ?? 0) > 0,
    internetMessageId: h.messageId ?? null,
    subject: h.subject,
    bodyPreview: "",
    importance: "normal",
    parentFolderId: folderId,
    conversationId: `AAQkAD${m.immutableId.slice(-24)}`,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: m.msg.flags.has("\\Seen"),
    isDraft: m.msg.flags.has("\\Draft"),
    inferenceClassification: "focused",
    sender: h.from[0] ?? null,
    from: h.from[0] ?? null,
    toRecipients: h.to,
    ccRecipients: h.cc,
    bccRecipients: h.bcc,
    replyTo: h.replyTo,
    flag: { flagStatus: "notFlagged" },
  };
  if (!select || select.length === 0) return full;
  const out: Record<string, unknown> = { "@odata.etag": full["@odata.etag"], id: full.id };
  for (const [k, v] of Object.entries(full)) if (select.includes(k.toLowerCase())) out[k] = v;
  return out;
}

/** `$select=a,b` -> lower-case names, or undefined. */
export function selectOf(url: URL): string[] | undefined {
  const s = url.searchParams.get("$select");
  return s ? s.split(",").map((x) => x.trim().toLowerCase()) : undefined;
}
