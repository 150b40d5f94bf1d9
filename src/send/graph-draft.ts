/**
 * The draft path of `send --protocol graph` (messages too big for one sendMail request): the MIME is streamed through
 * mailparser once; headers and bodies become a Graph draft (JSON), every attachment is spooled to a private temporary
 * file (bounded memory), to be added after the draft exists.
 *
 * What survives: From, To, Cc, Bcc (envelope-only recipients added as Bcc), Reply-To, Subject, the HTML body (or the
 * text body when there is no HTML), `X-` headers (Graph's internetMessageHeaders accepts only those:
 * learn.microsoft.com/en-us/graph/api/resources/internetmessageheader), attachments with name, type and content,
 * inline ones with their Content-ID. What does not: every other header (Message-ID, Date, In-Reply-To, References,
 * List-*, Auto-Submitted, ...), the text alternative next to an HTML body, the exact MIME structure and encodings,
 * signed or encrypted bytes (S/MIME, PGP, DKIM signatures), calendar parts as invitations.
 */
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type AttachmentStream, type Headers, MailParser } from "mailparser";
import type { GraphAttachmentSpec, GraphDraft, GraphRecipient } from "../graph/types.js";
import { mailboxes, PARSE_AS_IS } from "../store/attachments.js";

/** One attachment of the draft, spooled to `path`. */
export interface SpooledAttachment {
  spec: GraphAttachmentSpec;
  path: string;
}

export interface DraftPlan {
  draft: GraphDraft;
  attachments: SpooledAttachment[];
  /** The temporary directory holding the spooled attachments; `dispose()` removes it. */
  dir: string;
  dispose(): Promise<void>;
}

export interface DraftInput {
  /** The message, as one stream (it is read exactly once). */
  mime: Readable;
  /** Envelope sender: the From when the message has none. */
  envelopeFrom: string;
  /** Envelope recipients no To/Cc/Bcc header names: added as Bcc. */
  extraBcc: readonly string[];
  /** Where the spool directory is made (default os.tmpdir()). */
  tmpDir?: string;
}

function recipients(value: unknown): GraphRecipient[] {
  return mailboxes(value)
    .filter((m) => m.address)
    .map((m) => ({ emailAddress: { address: m.address, ...(m.name ? { name: m.name } : {}) } }));
}

/** `X-` header lines (unfolded, name as written) for internetMessageHeaders. */
export function xHeaders(lines: readonly { key: string; line: string }[]): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const { key, line } of lines) {
    if (!key.toLowerCase().startsWith("x-")) continue;
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n(?=[ \t])/g, "") // unfolding removes only the line break (RFC 5322 §2.2.3)
      .trim();
    out.push({ name: line.slice(0, colon).trim(), value });
  }
  return out;
}

/** The draft JSON from the parsed headers and bodies. */
export function buildDraft(
  headers: Headers,
  lines: readonly { key: string; line: string }[],
  body: { text?: string; html?: string | false },
  envelopeFrom: string,
  extraBcc: readonly string[],
): GraphDraft {
  const from = recipients(headers.get("from"))[0] ?? { emailAddress: { address: envelopeFrom } };
  const bcc = recipients(headers.get("bcc"));
  for (const a of extraBcc) bcc.push({ emailAddress: { address: a } });
  const subject = headers.get("subject");
  const replyTo = recipients(headers.get("reply-to"));
  const x = xHeaders(lines);
  const html = typeof body.html === "string" ? body.html : undefined;
  return {
    ...(typeof subject === "string" ? { subject } : {}),
    body:
      html !== undefined ? { contentType: "html", content: html } : { contentType: "text", content: body.text ?? "" },
    from,
    toRecipients: recipients(headers.get("to")),
    ccRecipients: recipients(headers.get("cc")),
    bccRecipients: bcc,
    ...(replyTo.length ? { replyTo } : {}),
    ...(x.length ? { internetMessageHeaders: x } : {}),
  };
}

/** Spools one attachment stream into `path`; resolves with its spec. */
async function spool(att: AttachmentStream, path: string, index: number): Promise<SpooledAttachment> {
  const fh = await open(path, "wx", 0o600);
  let size = 0;
  try {
    for await (const chunk of att.content as AsyncIterable<Buffer>) {
      size += chunk.length;
      await fh.write(chunk);
    }
  } finally {
    await fh.close();
  }
  const inline = att.contentDisposition === "inline" && !!att.cid;
  const spec: GraphAttachmentSpec = {
    name: att.filename ?? `attachment-${index + 1}`,
    contentType: att.contentType || "application/octet-stream",
    size,
    ...(inline ? { isInline: true, contentId: att.cid } : {}),
  };
  return { spec, path };
}

/** Parses `input.mime` into a draft and spooled attachments. The caller must `dispose()` the plan. */
export async function planDraft(input: DraftInput): Promise<DraftPlan> {
  const dir = await mkdtemp(join(input.tmpDir ?? tmpdir(), "xoauth-mail-send-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const parser = new MailParser(PARSE_AS_IS);
  let headers: Headers = new Map();
  let lines: { key: string; line: string }[] = [];
  const body: { text?: string; html?: string | false } = {};
  const spools: Promise<SpooledAttachment>[] = [];
  parser.on("headers", (h: Headers) => {
    headers = h;
  });
  parser.on("headerLines", (l: { key: string; line: string }[]) => {
    lines = l;
  });
  parser.on("data", (data: AttachmentStream | { type: "text"; text?: string; html?: string | false }) => {
    if (data.type === "text") {
      const d = data as { text?: string; html?: string | false };
      if (d.text !== undefined) body.text = d.text;
      if (d.html !== undefined) body.html = d.html;
      return;
    }
    const att = data as AttachmentStream;
    const n = spools.length;
    const p = spool(att, join(dir, String(n)), n).finally(() => (att.release as (() => void) | null)?.());
    p.catch(() => undefined); // awaited below
    spools.push(p);
  });
  try {
    await pipeline(input.mime, parser);
    const attachments = await Promise.all(spools);
    const draft = buildDraft(headers, lines, body, input.envelopeFrom, input.extraBcc);
    return { draft, attachments, dir, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}
