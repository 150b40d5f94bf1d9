/**
 * Attachments of a Graph draft: small ones in one request (addAttachment), big ones through an upload session in
 * byte ranges (learn.microsoft.com/en-us/graph/outlook-large-attachments: "If the file size is between 3 MB and
 * 150 MB, create an upload session"; each PUT carries at most 4 MB with a Content-Range header).
 */
import { open } from "node:fs/promises";
import type { GraphClient } from "../graph/types.js";
import type { SpooledAttachment } from "./graph-draft.js";
import { base64Length, type GraphSendLimits } from "./graph-mime.js";

/**
 * Bytes per upload PUT: 12 x 320 KiB = 3,932,160, under Graph's 4 MB per request. Multiples of 320 KiB are what
 * Microsoft's resumable uploads ask for (learn.microsoft.com/en-us/graph/api/driveitem-createuploadsession, "Upload
 * bytes to the upload session": "must be a multiple of 320 KiB").
 */
export const UPLOAD_CHUNK_BYTES = 12 * 320 * 1024;

/** JSON around an attachment's base64 (odata type, name, content type): generous, so the request stays in bounds. */
const ATTACHMENT_JSON_OVERHEAD = 2048;

/** True when the attachment goes in one addAttachment request; otherwise through an upload session. */
export function isSmallAttachment(size: number, limits: GraphSendLimits): boolean {
  return (
    size < limits.uploadSessionThresholdBytes && base64Length(size) + ATTACHMENT_JSON_OVERHEAD <= limits.maxRequestBytes
  );
}

/** The byte ranges [start, end) of an upload of `total` bytes in chunks of at most `chunk` bytes. */
export function chunkRanges(total: number, chunk: number = UPLOAD_CHUNK_BYTES): { start: number; end: number }[] {
  if (chunk <= 0) throw new RangeError("chunk must be positive");
  const out: { start: number; end: number }[] = [];
  for (let start = 0; start < total; start += chunk) out.push({ start, end: Math.min(total, start + chunk) });
  return out;
}

export interface UploadCounts {
  small: number;
  uploaded: number;
  /** PUT requests of all upload sessions. */
  ranges: number;
}

/** Adds every spooled attachment to draft `messageId`, one after the other (bounded memory: one chunk at a time). */
export async function addAttachments(
  client: GraphClient,
  messageId: string,
  attachments: readonly SpooledAttachment[],
  limits: GraphSendLimits,
  chunk: number = UPLOAD_CHUNK_BYTES,
): Promise<UploadCounts> {
  const counts: UploadCounts = { small: 0, uploaded: 0, ranges: 0 };
  for (const a of attachments) {
    const fh = await open(a.path, "r");
    try {
      if (isSmallAttachment(a.spec.size, limits)) {
        await client.addAttachment(messageId, a.spec, await fh.readFile());
        counts.small++;
        continue;
      }
      const { uploadUrl } = await client.createUploadSession(messageId, a.spec);
      const buf = Buffer.allocUnsafe(Math.min(chunk, a.spec.size));
      for (const r of chunkRanges(a.spec.size, chunk)) {
        const len = r.end - r.start;
        const { bytesRead } = await fh.read(buf, 0, len, r.start);
        if (bytesRead !== len) throw new Error(`short read of the spooled attachment ${a.spec.name}`);
        await client.uploadRange(uploadUrl, buf.subarray(0, len), r.start, a.spec.size);
        counts.ranges++;
      }
      counts.uploaded++;
    } finally {
      await fh.close();
    }
  }
  return counts;
}
