/**
 * `--attachments DIR`: extracts a delivered message's attachments under safe, never-overwritten names and writes a
 * JSON sidecar. API for the fetch engine:
 *
 *   const r = await extractAttachments(join(md.dir, "new", name), outDir);
 *   // r.sidecarPath -> "<outDir>/<message-name>.json": {from, to, cc, subject, date, messageId, attachments, skipped}
 *
 * The message file is streamed through mailparser and every attachment streamed to disk (hashed on the way);
 * at most LIMITS.maxAttachmentsPerMessage files and LIMITS.maxAttachmentBytesPerMessage bytes per message — beyond
 * that attachments are skipped and listed in `skipped` (a hostile message cannot fill the disk).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, unlink } from "node:fs/promises";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";
import { type AddressObject, type AttachmentStream, type Headers, MailParser } from "mailparser";
import { LIMITS } from "../limits.js";
import { storeError } from "./maildir.js";
import { createUnique, safeFileName } from "./safename.js";

export interface Mailbox {
  name: string;
  address: string;
}

export interface ExtractedAttachment {
  /** Name on disk (after sanitising and de-duplication). */
  filename: string;
  /** The name the sender gave, if any (for display only; never used as a path). */
  originalFilename?: string;
  contentType: string;
  size: number;
  sha256: string;
  path: string;
}

export interface MessageSidecar {
  from: Mailbox[];
  to: Mailbox[];
  cc: Mailbox[];
  subject: string | null;
  date: string | null;
  messageId: string | null;
  attachments: ExtractedAttachment[];
  skipped: { originalFilename?: string; contentType: string; reason: "count" | "bytes" }[];
}

export interface ExtractOptions {
  maxCount?: number;
  maxBytes?: number;
}

/** mailparser without its conversions (html <-> text, links): the parts as they are. */
export const PARSE_AS_IS = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true };

/** The addresses of a parsed address header (groups flattened). */
export function mailboxes(value: unknown): Mailbox[] {
  const objs = (Array.isArray(value) ? value : value ? [value] : []) as AddressObject[];
  const out: Mailbox[] = [];
  const walk = (list: AddressObject["value"]) => {
    for (const a of list ?? []) {
      if (a.group) walk(a.group);
      else out.push({ name: a.name ?? "", address: a.address ?? "" });
    }
  };
  for (const o of objs) walk(o.value);
  return out;
}

/** Extracts the attachments of the message at `messagePath` into `outDir` and writes the sidecar; see file doc. */
export async function extractAttachments(
  messagePath: string,
  outDir: string,
  opts: ExtractOptions = {},
): Promise<MessageSidecar & { sidecarPath: string }> {
  const maxCount = opts.maxCount ?? LIMITS.maxAttachmentsPerMessage;
  const maxBytes = opts.maxBytes ?? LIMITS.maxAttachmentBytesPerMessage;
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const parser = new MailParser(PARSE_AS_IS);
  let headers: Headers = new Map();
  const sidecar: MessageSidecar = {
    from: [],
    to: [],
    cc: [],
    subject: null,
    date: null,
    messageId: null,
    attachments: [],
    skipped: [],
  };
  let totalBytes = 0;
  let accepted = 0;
  const saves: Promise<void>[] = [];

  const save = async (att: AttachmentStream): Promise<void> => {
    const meta = { originalFilename: att.filename, contentType: att.contentType };
    if (accepted >= maxCount) {
      sidecar.skipped.push({ ...meta, reason: "count" });
      att.content.resume();
      return;
    }
    accepted++;
    const { fh, path } = await createUnique(outDir, safeFileName(att.filename));
    const hash = createHash("sha256");
    let size = 0;
    let overLimit = false;
    try {
      for await (const chunk of att.content as AsyncIterable<Buffer>) {
        if (overLimit) continue; // drain: mailparser waits for the stream to end
        if (totalBytes + chunk.length > maxBytes) {
          overLimit = true;
          continue;
        }
        totalBytes += chunk.length;
        size += chunk.length;
        hash.update(chunk);
        await fh.write(chunk);
      }
    } finally {
      await fh.close();
    }
    if (overLimit) {
      await unlink(path);
      sidecar.skipped.push({ ...meta, reason: "bytes" });
      return;
    }
    sidecar.attachments.push({
      filename: basename(path),
      ...(att.filename ? { originalFilename: att.filename } : {}),
      contentType: att.contentType,
      size,
      sha256: hash.digest("hex"),
      path,
    });
  };

  parser.on("headers", (h: Headers) => {
    headers = h;
  });
  parser.on("data", (data: AttachmentStream | { type: "text" }) => {
    if (data.type !== "attachment") return;
    const att = data as AttachmentStream;
    const p = save(att).finally(() => (att.release as (() => void) | null)?.());
    p.catch(() => undefined); // awaited below
    saves.push(p);
  });
  try {
    await pipeline(createReadStream(messagePath), parser);
    await Promise.all(saves);
  } catch (err) {
    throw storeError(`Cannot extract attachments of ${messagePath}: ${(err as Error).message}`, err, {
      path: messagePath,
    });
  }

  sidecar.from = mailboxes(headers.get("from"));
  sidecar.to = mailboxes(headers.get("to"));
  sidecar.cc = mailboxes(headers.get("cc"));
  const subject = headers.get("subject");
  sidecar.subject = typeof subject === "string" ? subject : null;
  const date = headers.get("date");
  sidecar.date = date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
  const mid = headers.get("message-id");
  sidecar.messageId = typeof mid === "string" ? mid : null;

  const messageName = basename(messagePath).replace(/:2,.*$/, "");
  const { fh, path: sidecarPath } = await createUnique(outDir, `${safeFileName(messageName, "message")}.json`);
  try {
    await fh.writeFile(`${JSON.stringify(sidecar, null, 2)}\n`);
  } finally {
    await fh.close();
  }
  return { ...sidecar, sidecarPath };
}
