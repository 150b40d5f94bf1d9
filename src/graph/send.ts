/**
 * The sending calls of the Graph client: sendMail with MIME (https://learn.microsoft.com/en-us/graph/api/user-sendmail,
 * base64 MIME as text/plain, at most 4 MB per request), the send probe, and the large-message path — a draft,
 * attachments inline or through upload sessions
 * (https://learn.microsoft.com/en-us/graph/api/attachment-createuploadsession), then send.
 */
import { XoauthError } from "../errors.js";
import { type GraphCall, type RequestContext, requestJson, requestNoBody } from "./request.js";
import { GRAPH_LIMITS, type GraphAttachmentSpec, type GraphClient } from "./types.js";

type MailCall = (call: Omit<GraphCall, "url"> & { path: string }) => GraphCall;

type SendCalls = Pick<
  GraphClient,
  "sendMime" | "probeSend" | "createDraft" | "addAttachment" | "createUploadSession" | "uploadRange" | "sendDraft"
>;

/** MESSAGE_TOO_LARGE before sending a body over Graph's 4 MB request limit. */
export function checkRequestSize(bytes: number, what: string): void {
  if (bytes > GRAPH_LIMITS.maxRequestBytes)
    throw new XoauthError(
      "MESSAGE_TOO_LARGE",
      `${what} is ${bytes} bytes, more than the ${GRAPH_LIMITS.maxRequestBytes} bytes Graph accepts in one request.`,
      { details: { params: { bytes, maxBytes: GRAPH_LIMITS.maxRequestBytes } } },
    );
}

/** The probe's message: a subject and no recipient, so it cannot be sent, and no copy in Sent Items. */
export const SEND_PROBE_BODY = { message: { subject: "xoauth-mail send probe" }, saveToSentItems: false } as const;

const inlineFields = (spec: GraphAttachmentSpec) => ({
  ...(spec.isInline !== undefined ? { isInline: spec.isInline } : {}),
  ...(spec.contentId !== undefined ? { contentId: spec.contentId } : {}),
});

const jsonBody = (value: unknown, what: string): Buffer => {
  const body = Buffer.from(JSON.stringify(value));
  checkRequestSize(body.length, what);
  return body;
};

/** `mail` builds a mailbox request (immutable ids); `open` throws once the client is closed. */
export function sendCalls(ctx: RequestContext, mail: MailCall, open: () => void): SendCalls {
  const msg = (id: string): string => `/messages/${encodeURIComponent(id)}`;
  const post = <T>(path: string, body: Buffer, expect: number[]) =>
    requestJson<T>(ctx, mail({ method: "POST", path, body, contentType: "application/json", expect })).then(
      (r) => r.json,
    );
  return {
    async sendMime(mime) {
      // The MIME body is the whole request: a sendMail with MIME has no room for `saveToSentItems`; Exchange
      // saves a copy in Sent Items.
      const body = Buffer.from(mime.toString("base64"));
      checkRequestSize(body.length, "The message as base64 MIME");
      return requestNoBody(
        ctx,
        mail({ method: "POST", path: "/sendMail", body, contentType: "text/plain", expect: [202], operation: "send" }),
      );
    },

    /**
     * Whether the app may send as the mailbox, without sending anything: sendMail with a message that has no
     * recipient. An app that may send gets 400 (ErrorInvalidRecipients: the message is checked and refused), one that
     * may not gets 403. This relies on Graph checking authorisation before validating the message — UNCONFIRMED:
     * observed behaviour, not documented by Microsoft. Nothing is sent either way: a message without recipients
     * cannot be delivered, and `saveToSentItems: false` leaves no copy.
     */
    async probeSend() {
      try {
        await requestNoBody(
          ctx,
          mail({ method: "POST", path: "/sendMail", json: SEND_PROBE_BODY, expect: [400, 202], operation: "send" }),
        );
        return true;
      } catch (e) {
        if (e instanceof XoauthError && e.details.httpStatus === 403) return false;
        throw e;
      }
    },

    async createDraft(draft) {
      const r = await post<{ id?: unknown }>("/messages", jsonBody(draft, "The draft"), [201]);
      if (typeof r?.id !== "string") throw new XoauthError("PROTOCOL_ERROR", "Graph created a draft without an id.");
      return { id: r.id };
    },

    async addAttachment(messageId, spec, content) {
      const attachment = {
        "@odata.type": "#microsoft.graph.fileAttachment",
        name: spec.name,
        contentType: spec.contentType,
        contentBytes: content.toString("base64"),
        ...inlineFields(spec),
      };
      await post(`${msg(messageId)}/attachments`, jsonBody(attachment, `The attachment ${spec.name}`), [201]);
    },

    async createUploadSession(messageId, spec) {
      const item = {
        AttachmentItem: {
          attachmentType: "file",
          name: spec.name,
          size: spec.size,
          contentType: spec.contentType,
          ...inlineFields(spec),
        },
      };
      const path = `${msg(messageId)}/attachments/createUploadSession`;
      const r = await post<{ uploadUrl?: unknown }>(path, jsonBody(item, "The upload session request"), [201]);
      if (typeof r?.uploadUrl !== "string" || !r.uploadUrl.startsWith("https://"))
        throw new XoauthError("PROTOCOL_ERROR", "Graph's upload session has no https uploadUrl.");
      return { uploadUrl: r.uploadUrl };
    },

    async uploadRange(uploadUrl, chunk, start, total) {
      open();
      if (!uploadUrl.startsWith("https://"))
        throw new XoauthError("USAGE", "Refusing to upload an attachment over a URL that is not https.");
      checkRequestSize(chunk.length, "An upload chunk");
      // The upload URL is pre-authorised: no Authorization header; it may be on another host (outlook.office.com).
      await requestNoBody(ctx, {
        method: "PUT",
        url: uploadUrl,
        auth: false,
        body: chunk,
        contentType: "application/octet-stream",
        headers: { "content-range": `bytes ${start}-${start + chunk.length - 1}/${total}` },
        expect: [200, 201],
      });
    },

    async sendDraft(messageId) {
      return requestNoBody(
        ctx,
        mail({ method: "POST", path: `${msg(messageId)}/send`, expect: [202], operation: "send" }),
      );
    },
  };
}
