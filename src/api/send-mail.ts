/**
 * `sendMail(options, message)`: one message over SMTP submission with XOAUTH2, or through Microsoft Graph
 * (`protocol: "graph"`). The message is a finished RFC 5322 message (Buffer, string or stream, sent byte for byte)
 * or nodemailer-style fields composed by nodemailer's MailComposer. Resolves with the `send --json` success object;
 * rejects with the typed XoauthError (SEND_AS_DENIED, SMTP_AUTH_DISABLED, CLIENT_SECRET_INVALID, ...).
 */
import { Readable } from "node:stream";
import { z } from "zod";
import { XoauthError } from "../errors.js";
import type { TraceFn } from "../net/types.js";
import { isAddress } from "../send/address.js";
import type { DeliveryTarget, GraphDelivery, SmtpDelivery } from "../send/deliver.js";
import type { Envelope } from "../send/message.js";
import { rethrowExplained } from "./explain.js";
import { type Credentials, graphOf, type MailboxTarget, parseOperation, serverOf, targetShape } from "./operation.js";
import { optionsError } from "./options.js";

export interface SendOptions extends MailboxTarget {
  /** smtp (default): SMTP submission with XOAUTH2; graph: Microsoft Graph sendMail (Mail.Send). */
  protocol?: "smtp" | "graph";
  /** MAIL FROM / RCPT TO. Default: from the message (From, else the mailbox; To + Cc + Bcc). Required for raw messages. */
  envelope?: { from?: string; to?: string[] };
  /** The SMTP transcript or Graph requests, secrets redacted. */
  onTrace?: TraceFn;
}

export interface MailAttachment {
  filename?: string;
  content?: string | Buffer;
  /** A file to attach (read when the message is built). */
  path?: string;
  contentType?: string;
  /** Content-ID for inline images (`<img src="cid:...">`). */
  cid?: string;
  encoding?: string;
}

/** nodemailer's message fields (the common subset), composed by MailComposer. */
export interface MailFields {
  /** Default: the mailbox. */
  from?: string;
  to?: string | string[];
  cc?: string | string[];
  /** Envelope only, never in a header. */
  bcc?: string | string[];
  replyTo?: string;
  subject?: string;
  text?: string;
  html?: string;
  attachments?: MailAttachment[];
  headers?: Record<string, string>;
  messageId?: string;
  date?: Date | string;
}

/** The message: a finished RFC 5322 message, or fields to compose one. */
export type MailInput = Buffer | Uint8Array | string | Readable | MailFields;

export type SendReport = SmtpDelivery | GraphDelivery;

export const sendShape = {
  ...targetShape,
  protocol: z.enum(["smtp", "graph"]).optional(),
  envelope: z
    .strictObject({
      from: z.string().refine(isAddress, "must be an email address").optional(),
      to: z.array(z.string().refine(isAddress, "must be an email address")).min(1).optional(),
    })
    .optional(),
  onTrace: z.function().optional(),
};

const addresses = z.union([z.string(), z.array(z.string())]).optional();
const FieldsSchema = z.strictObject({
  from: z.string().optional(),
  to: addresses,
  cc: addresses,
  bcc: addresses,
  replyTo: z.string().optional(),
  subject: z.string().optional(),
  text: z.string().optional(),
  html: z.string().optional(),
  attachments: z
    .array(
      z.strictObject({
        filename: z.string().optional(),
        content: z.union([z.string(), z.instanceof(Buffer)]).optional(),
        path: z.string().optional(),
        contentType: z.string().optional(),
        cid: z.string().optional(),
        encoding: z.string().optional(),
      }),
    )
    .optional(),
  headers: z.record(z.string(), z.string()).optional(),
  messageId: z.string().optional(),
  date: z.union([z.date(), z.string()]).optional(),
});

/** The bytes and the envelope of `message`: raw as given, or composed (Bcc only in the envelope). */
async function prepareMessage(
  message: MailInput,
  mailbox: string,
  envelope: SendOptions["envelope"],
): Promise<{ mime: Buffer | Readable; envelope: Envelope }> {
  const raw =
    typeof message === "string"
      ? Buffer.from(message)
      : message instanceof Uint8Array
        ? Buffer.from(message.buffer, message.byteOffset, message.byteLength)
        : message instanceof Readable
          ? message
          : undefined;
  if (raw) {
    if (!envelope?.to) {
      throw new XoauthError("USAGE", "options.envelope.to: a raw message needs its recipients (envelope.to).");
    }
    return { mime: raw, envelope: { from: envelope.from ?? mailbox, to: envelope.to } };
  }
  if (message === null || typeof message !== "object") {
    throw new XoauthError("USAGE", "message: must be a Buffer, a string, a stream or nodemailer message fields.");
  }
  const r = FieldsSchema.safeParse(message);
  if (!r.success) throw optionsError(r.error, Object.keys(FieldsSchema.shape), "message");
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer/index.js");
  const node = new MailComposer({ ...r.data, from: r.data.from ?? mailbox }).compile();
  const own = node.getEnvelope();
  const to = envelope?.to ?? own.to;
  if (!to.length) throw new XoauthError("USAGE", "message.to: no recipient (to, cc, bcc or envelope.to).");
  return { mime: await node.build(), envelope: { from: envelope?.from ?? (own.from || mailbox), to } };
}

/** The delivery target of validated send options. */
export function deliveryTarget(o: ReturnType<typeof parseOperation<SendOptions>>): DeliveryTarget {
  const { op, auth, provider } = o;
  const protocol = op.protocol ?? "smtp";
  const graph = protocol === "graph" ? graphOf(auth.cloud, op) : undefined;
  return {
    mailbox: op.mailbox,
    tokens: provider.forProtocol(protocol),
    ca: auth.ca,
    timeoutMs: op.timeoutMs,
    onTrace: op.onTrace,
    server: graph ? graph.server : serverOf("smtp", auth.cloud, op),
    graph: graph ? { url: graph.url, proxy: auth.proxy, noProxy: auth.noProxy } : undefined,
  };
}

export async function sendMail(options: SendOptions & Credentials, message: MailInput): Promise<SendReport> {
  const o = parseOperation<SendOptions>(sendShape, options);
  const { mime, envelope } = await prepareMessage(message, o.op.mailbox, o.op.envelope);
  return (await loadDelivery()).deliverMime(deliveryTarget(o), mime, envelope).catch(rethrowExplained);
}

/** The SMTP and Graph senders (nodemailer's SMTP connection among them), loaded by the first send, not by the import. */
export const loadDelivery = () => import("../send/deliver.js");
