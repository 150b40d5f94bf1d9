/**
 * Sends one message as the client's mailbox through Microsoft Graph (`send --protocol graph`, and the proxy's SMTP
 * listener): sendMail with the MIME when its base64 fits one request (4 MB -> ~3 MB of MIME), otherwise a draft with
 * attachments (upload sessions for big ones) and `send`. Both answer 202 Accepted: Graph took the message, delivery
 * happens later, a copy is saved in Sent Items (learn.microsoft.com/en-us/graph/api/user-sendmail, "Response").
 * Over Exchange's 35 MB default: MESSAGE_TOO_LARGE before any request.
 *
 * Why not always the draft path when the envelope differs from the headers: it loses headers, structure and signatures
 * (see graph-draft.ts); a `Bcc:` line added in front keeps the rest byte for byte (see graph-mime.ts).
 */
import { Readable } from "node:stream";
import { XoauthError } from "../errors.js";
import type { GraphClient } from "../graph/types.js";
import { planDraft } from "./graph-draft.js";
import {
  bccLine,
  choosePath,
  DEFAULT_SEND_LIMITS,
  envelopeOnly,
  type GraphSendLimits,
  type GraphSendPath,
  headerAddresses,
  headerOnly,
  headerSection,
  maxMimeBytes,
} from "./graph-mime.js";
import { addAttachments, UPLOAD_CHUNK_BYTES, type UploadCounts } from "./graph-upload.js";
import type { Envelope } from "./message.js";
import { messageIdOf } from "./source.js";

export interface GraphSendInput {
  /** The RFC 5322 message; a stream is read once (only the first ~3 MB are held in memory). */
  mime: Buffer | Readable;
  /** MAIL FROM and RCPT TO: recipients missing from the headers are added as Bcc. */
  envelope: Envelope;
  limits?: GraphSendLimits;
  /** Upload PUT size (tests); default UPLOAD_CHUNK_BYTES. */
  chunkBytes?: number;
  /** Where the draft path spools attachments (default os.tmpdir()). */
  tmpDir?: string;
}

export interface GraphSendResult {
  /** 202: accepted; delivery happens later. */
  status: number;
  requestId: string | undefined;
  clientRequestId: string;
  path: GraphSendPath;
  /** Size of the message as given (without the added Bcc line). */
  bytes: number;
  /** The message's Message-ID header; on the draft path Exchange assigns a new one (undefined here). */
  messageId: string | undefined;
  /** The From address Graph sends as (the From header, else the envelope sender). */
  from: string;
  /** Envelope recipients added as Bcc (no header named them). */
  addedBcc: string[];
  /** Header recipients outside the envelope: Graph delivers to them too. */
  headerOnly: string[];
  /** Draft path only: attachments added in one request / through upload sessions. */
  attachments?: UploadCounts;
}

export function messageTooLarge(bytes: number, max: number, atLeast = false): XoauthError {
  return new XoauthError(
    "MESSAGE_TOO_LARGE",
    `The message is ${atLeast ? "more than " : ""}${bytes} bytes, more than the ${max} bytes Exchange Online accepts by default (35 MB); nothing was sent.`,
    { details: { params: { bytes, max } } },
  );
}

/** Reads at most `max + 1` bytes: the whole message when it is small, else the head and the iterator of the rest. */
async function readHead(
  src: Readable,
  max: number,
): Promise<{ head: Buffer; rest: AsyncIterator<Buffer | string> | undefined }> {
  const it = src[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const parts: Buffer[] = [];
  let n = 0;
  while (n <= max) {
    const r = await it.next();
    if (r.done) return { head: Buffer.concat(parts), rest: undefined };
    const b = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
    parts.push(b);
    n += b.length;
  }
  return { head: Buffer.concat(parts), rest: it };
}

/** Sends `input.mime` through `client` (see file doc). Errors: XoauthError from the client, MESSAGE_TOO_LARGE. */
export async function sendViaGraph(client: GraphClient, input: GraphSendInput): Promise<GraphSendResult> {
  const limits = input.limits ?? DEFAULT_SEND_LIMITS;
  const env = input.envelope;
  let head: Buffer;
  let rest: AsyncIterator<Buffer | string> | undefined;
  if (Buffer.isBuffer(input.mime)) {
    head = input.mime;
    if (head.length > limits.maxMessageBytes) throw messageTooLarge(head.length, limits.maxMessageBytes);
  } else {
    ({ head, rest } = await readHead(input.mime, maxMimeBytes(limits)));
  }
  const header = headerSection(head);
  const h = headerAddresses(header);
  const addedBcc = envelopeOnly(env.to, h);
  const common = {
    from: h.from ?? env.from,
    addedBcc,
    headerOnly: headerOnly(env.to, h),
    messageId: messageIdOf(header.toString("latin1")),
  };
  try {
    return await send(client, input, head, rest, common, bccLine(addedBcc, h.eol));
  } catch (e) {
    // the From address Graph judged, for SEND_AS_DENIED's fix
    if (e instanceof XoauthError) e.details.params = { ...e.details.params, from: common.from };
    throw e;
  }
}

async function send(
  client: GraphClient,
  input: GraphSendInput,
  head: Buffer,
  rest: AsyncIterator<Buffer | string> | undefined,
  common: Pick<GraphSendResult, "from" | "addedBcc" | "headerOnly" | "messageId">,
  bcc: Buffer,
): Promise<GraphSendResult> {
  const limits = input.limits ?? DEFAULT_SEND_LIMITS;
  const env = input.envelope;
  if (rest === undefined && choosePath(head.length + bcc.length, limits) === "mime") {
    const info = await client.sendMime(bcc.length ? Buffer.concat([bcc, head]) : head);
    return { ...info, requestId: info.requestId, path: "mime", bytes: head.length, ...common };
  }
  let total = 0;
  const counted = async function* (): AsyncGenerator<Buffer> {
    total += head.length;
    if (total > limits.maxMessageBytes) throw messageTooLarge(total, limits.maxMessageBytes, true);
    yield head;
    for (;;) {
      const r = rest ? await rest.next() : { done: true as const, value: undefined };
      if (r.done) return;
      const b = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
      total += b.length;
      if (total > limits.maxMessageBytes) throw messageTooLarge(total, limits.maxMessageBytes, true);
      yield b;
    }
  };
  const plan = await planDraft({
    mime: Readable.from(counted(), { objectMode: false }),
    envelopeFrom: env.from,
    extraBcc: common.addedBcc,
    ...(input.tmpDir ? { tmpDir: input.tmpDir } : {}),
  }).catch((e: unknown) => {
    if (e instanceof XoauthError) throw e;
    throw new XoauthError("USAGE", `The message could not be parsed for the Graph draft: ${(e as Error).message}`, {
      cause: e,
    });
  });
  try {
    const { id } = await client.createDraft(plan.draft);
    try {
      const attachments = await addAttachments(
        client,
        id,
        plan.attachments,
        limits,
        input.chunkBytes ?? UPLOAD_CHUNK_BYTES,
      );
      const info = await client.sendDraft(id);
      return {
        ...info,
        requestId: info.requestId,
        path: "draft",
        bytes: total,
        ...common,
        messageId: undefined,
        attachments,
      };
    } catch (e) {
      // The unsent draft would stay in Drafts: move it to Deleted Items (best effort; the first error is the one).
      await client.delete(id).catch(() => undefined);
      throw e;
    }
  } finally {
    await plan.dispose();
  }
}
