/** The outgoing message of `send`: a raw .eml stream, or a simple message composed by nodemailer's MailComposer. */
import { statSync } from "node:fs";
import { basename } from "node:path";
import type Mail from "nodemailer/lib/mailer/index.js";
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import type { RawSource } from "./source.js";

/** RFC 5321 §4.1.1.2 MAIL FROM / §4.1.1.3 RCPT TO. */
export interface Envelope {
  from: string;
  to: string[];
}

export interface ComposeFields {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  /** Text body, or a file whose content is the text body. */
  body?: string;
  bodyFile?: string;
  attachments: string[];
}

export type OutgoingMessage = { kind: "raw"; source: RawSource } | { kind: "compose"; fields: ComposeFields };

function fileSize(path: string, what: string): number {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new XoauthError("USAGE", `The ${what} ${path} is not a regular file.`);
    size = st.size;
  } catch (e) {
    if (e instanceof XoauthError) throw e;
    const code = (e as { code?: string }).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(e)})`;
    throw new XoauthError("USAGE", `The ${what} ${path} ${why}.`, { cause: e });
  }
  return size;
}

/** Checks that every file exists and that together they fit the message bound (base64 grows them by 4/3). */
export function checkComposeFiles(f: ComposeFields, maxBytes: number = LIMITS.maxMessageBytes): void {
  let total = Buffer.byteLength(f.body ?? "");
  if (f.bodyFile) total += fileSize(f.bodyFile, "body file");
  for (const a of f.attachments) total += Math.ceil((fileSize(a, "attachment") * 4) / 3);
  if (total > maxBytes) {
    throw new XoauthError(
      "LIMIT_EXCEEDED",
      `Body and attachments come to about ${total} bytes encoded, more than ${maxBytes} (LIMITS.maxMessageBytes); nothing was sent.`,
    );
  }
}

/** nodemailer message options; Bcc recipients are only in the envelope, never in a header. */
export function mailOptions(msg: OutgoingMessage, env: Envelope): Mail.Options {
  const envelope = { from: env.from, to: [...env.to] };
  if (msg.kind === "raw") return { envelope, raw: msg.source.stream };
  const f = msg.fields;
  return {
    envelope,
    from: f.from,
    to: f.to,
    ...(f.cc.length ? { cc: f.cc } : {}),
    subject: f.subject,
    text: f.bodyFile ? { path: f.bodyFile } : (f.body ?? ""),
    attachments: f.attachments.map((path) => ({ path, filename: basename(path) })),
  };
}
