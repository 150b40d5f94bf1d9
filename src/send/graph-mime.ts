/**
 * The pure part of `send --protocol graph`: which way a message goes (sendMail with the MIME as is, or the draft path),
 * who the MIME headers address, and the `Bcc:` line that adds envelope-only recipients.
 *
 * Graph has no SMTP envelope: it delivers to the recipients in the message. sendMail with MIME takes them from the
 * To/Cc/Bcc headers and the From header is the sender (learn.microsoft.com/en-us/graph/api/user-sendmail, "MIME
 * format": the Internet message headers and the MIME content, base64-encoded). A `Bcc:` header becomes blind
 * recipients and is never written into the transmitted copy: Exchange's MIME conversion maps Bcc recipients to
 * PidTagRecipientType 3 and "MUST NOT copy Bcc recipients to the MIME Bcc header" for outbound SMTP ([MS-OXCMAIL]
 * 2.1.3.1.1.2, learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcmail/db4548ad-9075-415d-876a-0b88d1a8852e).
 * SMTP2Graph relies on the same (src/classes/SMTPServer.ts adds `Bcc:` for RCPT TO recipients missing from To/Cc, with
 * a test for Bcc-only messages: github.com/SMTP2Graph/SMTP2Graph). So for the MIME path we prepend one `Bcc:` line for
 * envelope recipients that no To/Cc/Bcc header names; the rest of the message stays byte for byte. Recipients named in
 * the headers but not in the envelope get the message too (Graph has nothing like RCPT TO): reported as `headerOnly`.
 */
import addressparser from "nodemailer/lib/addressparser/index.js";
import { GRAPH_LIMITS } from "../graph/types.js";
import { headerEnd } from "./source.js";

export type GraphSendPath = "mime" | "draft";

/** The sizes that decide the path (GRAPH_LIMITS by default; tests pass smaller ones). */
export interface GraphSendLimits {
  /** Largest request body: the base64 MIME of sendMail must fit. */
  maxRequestBytes: number;
  /** Largest message Exchange accepts (MIME bytes). */
  maxMessageBytes: number;
  /** Attachments at or above this size go through an upload session. */
  uploadSessionThresholdBytes: number;
}

export const DEFAULT_SEND_LIMITS: GraphSendLimits = {
  maxRequestBytes: GRAPH_LIMITS.maxRequestBytes,
  maxMessageBytes: GRAPH_LIMITS.maxMessageBytes,
  uploadSessionThresholdBytes: GRAPH_LIMITS.uploadSessionThresholdBytes,
};

/** Length of the base64 text of `n` bytes (RFC 4648 §4, with padding, no line breaks). */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

/** The largest MIME that sendMail takes in one request: its base64 must fit maxRequestBytes (4 MiB -> 3 MiB). */
export function maxMimeBytes(limits: GraphSendLimits = DEFAULT_SEND_LIMITS): number {
  return Math.floor(limits.maxRequestBytes / 4) * 3;
}

/** MIME when the whole message (with the added Bcc line) fits one sendMail request, else the draft path. */
export function choosePath(mimeBytes: number, limits: GraphSendLimits = DEFAULT_SEND_LIMITS): GraphSendPath {
  return base64Length(mimeBytes) <= limits.maxRequestBytes ? "mime" : "draft";
}

export interface HeaderAddresses {
  from: string | undefined;
  to: string[];
  cc: string[];
  bcc: string[];
  /** The line ending the header section uses (`\r\n`, or `\n` for a bare-LF file), for an added line. */
  eol: "\r\n" | "\n";
}

/** The values of every `name:` field of an unfolded header section (RFC 5322 §2.2.3). */
function fields(header: string, name: string): string[] {
  const unfolded = header.replace(/\r?\n(?=[ \t])/g, "");
  const out: string[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) out.push(line.slice(colon + 1));
  }
  return out;
}

function addresses(header: string, name: string): string[] {
  return fields(header, name).flatMap((v) =>
    addressparser(v, { flatten: true })
      .map((a) => a.address.trim())
      .filter((a) => a.includes("@")),
  );
}

/** The header section of `mime` (all of it when there is no empty line in it). */
export function headerSection(mime: Buffer): Buffer {
  const end = headerEnd(mime);
  return end < 0 ? mime : mime.subarray(0, end);
}

/** From and the To/Cc/Bcc addresses of a header section (groups flattened, display names dropped). */
export function headerAddresses(header: Buffer | string): HeaderAddresses {
  const text = typeof header === "string" ? header : header.toString("latin1");
  const firstNl = text.indexOf("\n");
  return {
    from: addresses(text, "from")[0],
    to: addresses(text, "to"),
    cc: addresses(text, "cc"),
    bcc: addresses(text, "bcc"),
    eol: firstNl > 0 && text[firstNl - 1] === "\r" ? "\r\n" : "\n",
  };
}

const lower = (a: string) => a.toLowerCase();

/** Envelope recipients that no To/Cc/Bcc header names (case-insensitive), in envelope order, without repeats. */
export function envelopeOnly(envelopeTo: readonly string[], h: HeaderAddresses): string[] {
  const named = new Set([...h.to, ...h.cc, ...h.bcc].map(lower));
  const out: string[] = [];
  for (const a of envelopeTo) {
    if (!named.has(lower(a)) && !out.some((o) => lower(o) === lower(a))) out.push(a);
  }
  return out;
}

/** Header recipients not in the envelope: Graph delivers to them as well (it has no RCPT TO). */
export function headerOnly(envelopeTo: readonly string[], h: HeaderAddresses): string[] {
  const env = new Set(envelopeTo.map(lower));
  return [...new Set([...h.to, ...h.cc, ...h.bcc].map(lower))].filter((a) => !env.has(a));
}

/** `Bcc: a, b` as one header line (folded after each address, RFC 5322 §2.2.3), or an empty buffer for none. */
export function bccLine(addrs: readonly string[], eol: "\r\n" | "\n"): Buffer {
  if (addrs.length === 0) return Buffer.alloc(0);
  return Buffer.from(`Bcc: ${addrs.join(`,${eol} `)}${eol}`, "utf8");
}
