/**
 * Upload sessions for large attachments (https://learn.microsoft.com/en-us/graph/outlook-large-attachments):
 * `createUploadSession` answers an `uploadUrl` on the Outlook REST endpoint that is pre-authorised (no
 * Authorization header), taking `PUT` ranges of at most 4 MB in order with `Content-Range: bytes a-b/total`;
 * each answers 200 with the next expected offset (Outlook's PascalCase JSON), the last one 201 with no body.
 */
import { randomBytes } from "node:crypto";
import { type GraphCall, parseJsonObject, readBody, sendEmpty, sendError, sendJson } from "./http.js";
import { newToken } from "./ids.js";
import { draftOr404, recompose } from "./routes-send.js";
import { type Ctx, type GraphState, MAX_REQUEST_BYTES } from "./state.js";

/** Largest attachment an upload session takes (Outlook: 150 MB). */
const MAX_ATTACHMENT = 150 * 1024 * 1024;
const SESSION_LIFETIME_MS = 15 * 60 * 1000;

/** POST messages/{id}/attachments/createUploadSession `{"AttachmentItem":{attachmentType,name,size,...}}`. */
export async function createUploadSession(c: Ctx, id: string): Promise<void> {
  const b = await readBody(c.call.req, 64 * 1024);
  const json = b.ok ? parseJsonObject(b.body) : undefined;
  const item = json?.AttachmentItem as Record<string, unknown> | undefined;
  const size = Number(item?.size);
  if (!item || typeof item.name !== "string" || !Number.isInteger(size) || size <= 0)
    return sendError(c.call, "body-not-json");
  if (size > MAX_ATTACHMENT) return sendError(c.call, "request-too-large");
  const m = draftOr404(c, id);
  if (!m) return;
  const session = {
    id: randomBytes(16).toString("hex"),
    authToken: newToken(),
    mailbox: c.mb,
    messageImmutableId: m.immutableId,
    name: item.name,
    contentType: typeof item.contentType === "string" ? item.contentType : "application/octet-stream",
    isInline: item.isInline === true,
    ...(typeof item.contentId === "string" ? { contentId: item.contentId } : {}),
    size,
    received: 0,
    data: Buffer.alloc(size),
    expires: new Date(Date.now() + SESSION_LIFETIME_MS),
  };
  c.st.uploads.set(session.id, session);
  const uploadUrl = `${c.st.origin}/api/v2.0/Users('${c.mb.objectId}')/Messages('${m.immutableId}')/AttachmentSessions('${session.id}')?authtoken=${session.authToken}`;
  sendJson(c.call, 201, {
    "@odata.context": `${c.call.base}/$metadata#microsoft.graph.uploadSession`,
    uploadUrl,
    expirationDateTime: session.expires.toISOString(),
    nextExpectedRanges: ["0-"],
  });
}

const SESSION_PATH = /^\/api\/v2\.0\/Users\('[^']*'\)\/Messages\('[^']*'\)\/AttachmentSessions\('([0-9a-f]+)'\)$/;

export function isUploadPath(pathname: string): boolean {
  return pathname.startsWith("/api/v2.0/");
}

/** PUT to an uploadUrl. */
export async function putRange(call: GraphCall, st: GraphState): Promise<void> {
  const sid = SESSION_PATH.exec(decodeURIComponent(call.url.pathname))?.[1];
  const s = sid ? st.uploads.get(sid) : undefined;
  if (
    !s ||
    call.req.method !== "PUT" ||
    call.url.searchParams.get("authtoken") !== s.authToken ||
    s.expires < new Date()
  )
    return sendError(call, "item-not-found");
  const body = await readBody(call.req, MAX_REQUEST_BYTES);
  if (!body.ok) return sendError(call, "request-too-large", {}, { close: true });
  const r = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(call.req.headers["content-range"] ?? "").trim());
  const [start, end, total] = r ? [Number(r[1]), Number(r[2]), Number(r[3])] : [-1, -1, -1];
  if (
    !r ||
    start !== s.received ||
    total !== s.size ||
    end < start ||
    end >= total ||
    end - start + 1 !== body.body.length
  )
    return sendError(call, "upload-range-invalid");
  body.body.copy(s.data, start);
  s.received = end + 1;
  s.expires = new Date(Date.now() + SESSION_LIFETIME_MS);
  if (s.received < s.size) {
    return sendJson(call, 200, {
      "@odata.context": `${st.origin}/api/v2.0/$metadata#Users('${s.mailbox.objectId}')/Messages('${s.messageImmutableId}')/AttachmentSessions/$entity`,
      ExpirationDateTime: s.expires.toISOString(),
      NextExpectedRanges: [String(s.received)],
    });
  }
  st.uploads.delete(s.id);
  const m = st.store.find(s.mailbox, s.messageImmutableId);
  if (!m?.draft) return sendError(call, "item-not-found");
  const attId = `AAMkAGAtt${randomBytes(16).toString("hex")}=`;
  m.draft.attachments.push({
    id: attId,
    name: s.name,
    contentType: s.contentType,
    size: s.size,
    isInline: s.isInline,
    ...(s.contentId ? { contentId: s.contentId } : {}),
    content: s.data,
  });
  recompose(s.mailbox.address, m);
  sendEmpty(call, 201, {
    location: `${st.origin}/api/v2.0/Users('${s.mailbox.objectId}')/Messages('${s.messageImmutableId}')/Attachments('${attId}')`,
  });
}
