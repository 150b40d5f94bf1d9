/** Awkward test messages (generated, deterministic) and how a server hands them back (CRLF line ends). */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

function msg(n: number, body: Buffer | string, extraHeaders: string[] = []): Buffer {
  const head = [
    `From: sender${n}@fabrikam.example`,
    "To: erp-inbox@contoso.com",
    `Subject: test message ${n}`,
    `Message-ID: <m${n}.${randomBytes(4).toString("hex")}@fabrikam.example>`,
    "MIME-Version: 1.0",
    ...extraHeaders,
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head), typeof body === "string" ? Buffer.from(body) : body]);
}

/** Messages that break naive clients: dot lines, 8-bit, bare LF, no final newline, very long lines. */
export function awkwardMessages(): Buffer[] {
  const eight = Buffer.from("Grüße, straße, 日本語 \xff\xfe raw bytes\r\n", "latin1");
  return [
    msg(1, ".\r\n..two dots\r\n.leading dot\r\n. \r\nend\r\n"),
    msg(2, Buffer.concat([Buffer.from("8-bit: "), Buffer.from("äöü € ✓\r\n"), eight]), [
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
    ]),
    msg(3, "bare\nLF\nlines\n"),
    msg(4, "no final newline"),
    msg(5, `${"x".repeat(200_000)}\r\nshort\r\n${"y".repeat(70_000)}\r\n`),
    msg(6, ".\r\n"),
  ];
}

/** What the server returns for `raw`: line ends normalised to CRLF (Dovecot stores LF, sends CRLF). */
export function asServed(raw: Buffer): Buffer {
  return Buffer.from(raw.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1");
}

/** A plain CRLF message of about `size` bytes with a unique Message-ID. */
export function plainMessage(n: number, size = 2000): Buffer {
  const line = `line of message ${n} ${"z".repeat(60)}\r\n`;
  return msg(n, line.repeat(Math.max(1, Math.floor(size / line.length))));
}

/** POP3 (RFC 1939 §3) needs CRLF before the terminating ".": a message without a final newline gains one. */
export function asServedPop3(raw: Buffer): Buffer {
  const b = asServed(raw);
  return b.subarray(-2).toString() === "\r\n" ? b : Buffer.concat([b, Buffer.from("\r\n")]);
}

/** A multipart message with a base64 attachment of `attachmentBytes` random bytes (CRLF throughout). */
export function bigAttachmentMessage(attachmentBytes: number): Buffer {
  const b64 = randomBytes(attachmentBytes).toString("base64").replace(/.{76}/g, "$&\r\n");
  const head = [
    "From: scanner@fabrikam.example",
    "To: erp-inbox@contoso.com",
    "Subject: big scan",
    `Message-ID: <big.${randomBytes(4).toString("hex")}@fabrikam.example>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain",
    "",
    "see attachment",
    "--b1",
    'Content-Type: application/octet-stream; name="scan.bin"',
    'Content-Disposition: attachment; filename="scan.bin"',
    "Content-Transfer-Encoding: base64",
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head), Buffer.from(b64), Buffer.from("\r\n--b1--\r\n")]);
}

/** How often each Message-ID occurs among the files of a Maildir's new/ (exactly-once checks). */
export function maildirMessageIds(maildir: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(join(maildir, "new"))) return out;
  for (const f of readdirSync(join(maildir, "new"))) {
    const head = readFileSync(join(maildir, "new", f), "latin1").split(/\r?\n\r?\n/, 1)[0] ?? "";
    const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? `(no Message-ID: ${f})`;
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

/** The Message-ID header value of a raw message. */
export function messageIdOf(raw: Buffer): string {
  return /^Message-ID:\s*(\S+)/im.exec(raw.toString("latin1"))?.[1] ?? "";
}
