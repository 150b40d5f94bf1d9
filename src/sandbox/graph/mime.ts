/**
 * MIME for messages Graph builds from JSON (sendMail with a `message` object, drafts): what Exchange stores and
 * delivers. Plain enough for tests to read back: RFC 5322 headers (RFC 2047 for non-ASCII), a text/html or
 * text/plain body and base64 attachments in multipart/mixed.
 */
import { randomBytes } from "node:crypto";
import type { DraftAttachment } from "./store.js";

interface JsonRecipient {
  emailAddress?: { address?: unknown; name?: unknown };
}

/** The addresses of a JSON recipient list (`toRecipients` etc.). */
export function addressesOf(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return (v as JsonRecipient[])
    .map((r) => r?.emailAddress?.address)
    .filter((a): a is string => typeof a === "string" && a.length > 0);
}

const encodeWord = (s: string): string =>
  /^[\x20-\x7e]*$/.test(s) ? s : `=?utf-8?B?${Buffer.from(s, "utf8").toString("base64")}?=`;

function recipientList(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return (v as JsonRecipient[])
    .map((r) => {
      const a = String(r?.emailAddress?.address ?? "");
      const n = r?.emailAddress?.name;
      return typeof n === "string" && n.length > 0 ? `${encodeWord(n)} <${a}>` : a;
    })
    .join(", ");
}

const wrap64 = (b: Buffer): string => (b.toString("base64").match(/.{1,76}/g) ?? []).join("\r\n");

/** RFC 5322 date (`Mon, 01 Jan 2024 10:00:00 +0000`). */
export function rfc5322Date(d = new Date()): string {
  return d.toUTCString().replace("GMT", "+0000");
}

/** The MIME of a JSON message (`from` defaults to the mailbox). */
export function composeMime(json: Record<string, unknown>, mailbox: string, attachments: DraftAttachment[]): Buffer {
  const domain = mailbox.split("@")[1] ?? "localhost";
  const from = recipientList(json.from ? [json.from] : []) ?? mailbox;
  const lines = [`From: ${from}`];
  for (const [h, k] of [
    ["To", "toRecipients"],
    ["Cc", "ccRecipients"],
    ["Bcc", "bccRecipients"],
    ["Reply-To", "replyTo"],
  ] as const) {
    const v = recipientList(json[k]);
    if (v) lines.push(`${h}: ${v}`);
  }
  lines.push(`Subject: ${encodeWord(typeof json.subject === "string" ? json.subject : "")}`);
  lines.push(`Date: ${rfc5322Date()}`);
  lines.push(`Message-ID: <${randomBytes(12).toString("hex")}@${domain}>`);
  const extra = Array.isArray(json.internetMessageHeaders) ? json.internetMessageHeaders : [];
  for (const h of extra as { name?: unknown; value?: unknown }[])
    if (typeof h?.name === "string" && typeof h.value === "string") lines.push(`${h.name}: ${h.value}`);
  lines.push("MIME-Version: 1.0");
  const body = (json.body ?? {}) as { contentType?: unknown; content?: unknown };
  const html = String(body.contentType ?? "").toLowerCase() === "html";
  const text = typeof body.content === "string" ? body.content : "";
  const bodyPart = [
    `Content-Type: ${html ? "text/html" : "text/plain"}; charset=utf-8`,
    "Content-Transfer-Encoding: base64",
    "",
    wrap64(Buffer.from(text, "utf8")),
  ].join("\r\n");
  if (attachments.length === 0) return Buffer.from(`${lines.join("\r\n")}\r\n${bodyPart}\r\n`);
  const boundary = `_graph_${randomBytes(8).toString("hex")}_`;
  lines.push(`Content-Type: multipart/mixed; boundary="${boundary}"`, "");
  const parts = [bodyPart];
  for (const a of attachments) {
    parts.push(
      [
        `Content-Type: ${a.contentType}; name="${encodeWord(a.name)}"`,
        `Content-Disposition: ${a.isInline ? "inline" : "attachment"}; filename="${encodeWord(a.name)}"`,
        ...(a.contentId ? [`Content-ID: <${a.contentId}>`] : []),
        "Content-Transfer-Encoding: base64",
        "",
        wrap64(a.content),
      ].join("\r\n"),
    );
  }
  const out = `${lines.join("\r\n")}\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("")}--${boundary}--\r\n`;
  return Buffer.from(out);
}

/** The message without its Bcc header (what recipients get). */
export function withoutBcc(raw: Buffer): Buffer {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return raw;
  const head = raw.subarray(0, end).toString("latin1");
  if (!/^bcc:/im.test(head)) return raw;
  const kept = head.split(/\r\n(?![ \t])/).filter((l) => !/^bcc:/i.test(l));
  return Buffer.concat([Buffer.from(kept.join("\r\n"), "latin1"), raw.subarray(end)]);
}
