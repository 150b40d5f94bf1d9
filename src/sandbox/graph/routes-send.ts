/**
 * Sending: `sendMail` with base64 MIME (`Content-Type: text/plain`) or a JSON message, 202 Accepted; drafts
 * (`POST messages`), their attachments and `send` (https://learn.microsoft.com/en-us/graph/api/user-sendmail,
 * message-send, message-post-attachments). Request bodies over 4 MB are 413. Accepted messages get a copy in Sent
 * Items and are delivered to recipients that are mailboxes of the tenant (the store POP3/IMAP read).
 */
import { randomUUID } from "node:crypto";
import { headerFields } from "../exchange/imap-fetch.js";
import { parseJsonObject, readBody, sendEmpty, sendError, sendJson } from "./http.js";
import { headerBlock, messageJson } from "./message-json.js";
import { addressesOf, composeMime, withoutBcc } from "./mime.js";
import { messageOr404 } from "./routes-read.js";
import { type Ctx, type GraphSentMessage, MAX_REQUEST_BYTES } from "./state.js";
import type { DraftAttachment, MessageMeta } from "./store.js";

type Body = { kind: "mime"; raw: Buffer } | { kind: "json"; json: Record<string, unknown> };

/** A sendMail/draft body: base64 MIME for `text/plain`, else JSON; errors answered. */
async function messageBody(c: Ctx): Promise<Body | undefined> {
  const b = await readBody(c.call.req, MAX_REQUEST_BYTES);
  if (!b.ok) {
    sendError(c.call, "request-too-large", {}, { close: true });
    return undefined;
  }
  if (/^text\/plain/i.test(String(c.call.req.headers["content-type"] ?? ""))) {
    const text = b.body.toString("latin1").replace(/[\r\n]/g, "");
    if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      sendError(c.call, "mime-invalid-base64");
      return undefined;
    }
    return { kind: "mime", raw: Buffer.from(text, "base64") };
  }
  const json = parseJsonObject(b.body);
  if (!json) sendError(c.call, "body-not-json");
  return json ? { kind: "json", json } : undefined;
}

function mimeRecipients(raw: Buffer): string[] {
  const fields = headerFields(headerBlock(raw));
  const out: string[] = [];
  for (const f of fields) {
    if (!["to", "cc", "bcc"].includes(f.name)) continue;
    for (const m of f.value.matchAll(/[^\s<>,;"]+@[^\s<>,;"]+/g)) out.push(m[0]);
  }
  return out;
}

function fromOf(raw: Buffer): string | undefined {
  const v = headerFields(headerBlock(raw)).find((f) => f.name === "from")?.value;
  return v ? /[^\s<>,;"]+@[^\s<>,;"]+/.exec(v)?.[0] : undefined;
}

/**
 * The From address must be the mailbox (or an alias), or a mailbox it has SendAs on; otherwise ErrorSendAsDenied
 * (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/7446).
 */
function maySendFrom(c: Ctx, from: string | undefined): boolean {
  if (!from) return true;
  const target = c.st.directory.findMailbox(from);
  if (target === c.mb) return true;
  return !!target && c.st.directory.hasSendAs(c.mb.address, target.address);
}

/** Accepts a message for sending: Sent Items copy, delivery to tenant mailboxes, the record for tests. */
function submit(c: Ctx, raw: Buffer, recipients: string[], via: GraphSentMessage["via"], save: boolean): void {
  const dir = c.st.directory;
  if (save) dir.deliver(c.mb.address, raw, "Sent Items", ["\\Seen"], true);
  const delivered = withoutBcc(raw);
  for (const r of new Set(recipients.map((x) => x.toLowerCase()))) {
    const mb = dir.findMailbox(r);
    if (mb) dir.deliver(mb.address, delivered, "INBOX");
  }
  c.st.sent.push({ at: new Date(), mailbox: c.mb.address, via, recipients, raw, savedToSentItems: save });
}

/** POST users/{id}/sendMail. */
export async function sendMail(c: Ctx): Promise<void> {
  const body = await messageBody(c);
  if (!body) return;
  let raw: Buffer;
  let recipients: string[];
  let save = true;
  if (body.kind === "mime") {
    raw = body.raw;
    recipients = mimeRecipients(raw);
  } else {
    const msg = body.json.message;
    if (!msg || typeof msg !== "object") return sendError(c.call, "body-not-json");
    const m = msg as Record<string, unknown>;
    if (body.json.saveToSentItems === false || body.json.saveToSentItems === "false") save = false;
    recipients = [...addressesOf(m.toRecipients), ...addressesOf(m.ccRecipients), ...addressesOf(m.bccRecipients)];
    raw = composeMime(m, c.mb.address, []);
  }
  if (recipients.length === 0) return sendError(c.call, "invalid-recipients");
  if (!maySendFrom(c, fromOf(raw))) return sendError(c.call, "send-as-denied");
  submit(c, raw, recipients, body.kind === "mime" ? "sendMail-mime" : "sendMail-json", save);
  sendEmpty(c.call, 202);
}

/** POST users/{id}/messages: a draft in Drafts (201 with the message). */
export async function createDraft(c: Ctx): Promise<void> {
  const body = await messageBody(c);
  if (!body) return;
  const { store, directory } = c.st;
  const raw = body.kind === "mime" ? body.raw : composeMime(body.json, c.mb.address, []);
  const msg = directory.deliver(c.mb.address, raw, "Drafts", ["\\Seen", "\\Draft"], true);
  const m = store.metaOf(c.mb, "Drafts", msg);
  if (body.kind === "json") m.draft = { json: body.json, attachments: [] };
  sendJson(c.call, 201, messageJson(m, store.folderIdOf(c.mb, "Drafts"), c.call.immutable));
}

/** Recomposes a JSON draft's MIME after its attachments changed. */
export function recompose(mailbox: string, m: MessageMeta): void {
  if (!m.draft) return;
  m.msg.raw = composeMime(m.draft.json, mailbox, m.draft.attachments);
  m.changeKey++;
}

export function attachmentJson(a: DraftAttachment, withContent: boolean): object {
  return {
    "@odata.type": "#microsoft.graph.fileAttachment",
    id: a.id,
    lastModifiedDateTime: `${new Date().toISOString().slice(0, 19)}Z`,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
    ...(a.contentId ? { contentId: a.contentId } : {}),
    ...(withContent ? { contentBytes: a.content.toString("base64") } : {}),
  };
}

/** The JSON draft of `id`, or an error answered (only drafts made through Graph take attachments here). */
export function draftOr404(c: Ctx, id: string): MessageMeta | undefined {
  const m = messageOr404(c, id);
  if (m && !m.draft) {
    sendError(c.call, "item-not-found");
    return undefined;
  }
  return m;
}

/** POST messages/{id}/attachments (a fileAttachment with base64 `contentBytes`). */
export async function addAttachment(c: Ctx, id: string): Promise<void> {
  const b = await readBody(c.call.req, MAX_REQUEST_BYTES);
  if (!b.ok) return sendError(c.call, "request-too-large", {}, { close: true });
  const json = parseJsonObject(b.body);
  if (!json || typeof json.name !== "string" || typeof json.contentBytes !== "string")
    return sendError(c.call, "body-not-json");
  const m = draftOr404(c, id);
  if (!m?.draft) return;
  const content = Buffer.from(json.contentBytes, "base64");
  const a: DraftAttachment = {
    id: `AAMkAGAtt${randomUUID().replace(/-/g, "")}=`,
    name: json.name,
    contentType: typeof json.contentType === "string" ? json.contentType : "application/octet-stream",
    size: content.length,
    isInline: json.isInline === true,
    ...(typeof json.contentId === "string" ? { contentId: json.contentId } : {}),
    content,
  };
  m.draft.attachments.push(a);
  recompose(c.mb.address, m);
  sendJson(c.call, 201, attachmentJson(a, false));
}

/** GET messages/{id}/attachments (drafts made through Graph; others list none). */
export function listAttachments(c: Ctx, id: string): void {
  const m = messageOr404(c, id);
  if (!m) return;
  sendJson(c.call, 200, {
    "@odata.context": `${c.call.base}/$metadata#users('${c.user}')/messages('${id}')/attachments`,
    value: (m.draft?.attachments ?? []).map((a) => attachmentJson(a, true)),
  });
}

/** POST messages/{id}/send: 202; the draft goes to Sent Items and is delivered. */
export function sendDraft(c: Ctx, id: string): void | Promise<void> {
  const m = messageOr404(c, id);
  if (!m) return;
  const raw = m.msg.raw;
  const recipients = m.draft
    ? [
        ...addressesOf(m.draft.json.toRecipients),
        ...addressesOf(m.draft.json.ccRecipients),
        ...addressesOf(m.draft.json.bccRecipients),
      ]
    : mimeRecipients(raw);
  if (recipients.length === 0) return sendError(c.call, "invalid-recipients");
  if (!maySendFrom(c, fromOf(raw))) return sendError(c.call, "send-as-denied");
  c.st.store.remove(m);
  m.msg.flags.delete("\\Draft");
  submit(c, raw, recipients, "draft", true);
  sendEmpty(c.call, 202);
}
