/**
 * Maildir file names that carry the message's identity, so a crash between "stored" and "recorded" is recoverable.
 *
 * Name: `<unix seconds>.xm<32 hex>.<host>`; the 32 hex digits are the first 128 bits of
 * SHA-256 over (account, protocol, folder, uidValidity, id) — see {@link keyHash}. MUAs that move the file to `cur/`
 * append `:2,<flags>` (Maildir spec, cr.yp.to/proto/maildir.html); mbsync appends `,U=<n>`; both keep the hash findable.
 *
 *   deliveryName(key)            -> "1700000000.xm0123...cdef.host"
 *   keyHash(key)                 -> "0123...cdef"
 *   hashOfFileName(fileName)     -> "0123...cdef" | undefined (not one of ours)
 */
import { createHash } from "node:crypto";
import { hostname as osHostname } from "node:os";

/** Identity of one message on one server: POP3 UIDL, IMAP UIDVALIDITY + UID in a folder, or a Graph immutable id. */
export interface MessageKey {
  /** Mailbox address (compared case-insensitively). */
  account: string;
  protocol: "pop3" | "imap" | "graph";
  /**
   * IMAP folder (default INBOX); Graph folder path (default inbox, compared case-insensitively, as Graph resolves
   * display names); ignored for POP3, which only sees the Inbox.
   */
  folder?: string;
  /** IMAP UIDVALIDITY of the folder; absent for POP3. */
  uidValidity?: number;
  /** POP3 UIDL (RFC 1939 §7), IMAP UID (RFC 3501 §2.3.1.1) or Graph immutable message id. */
  id: string | number;
}

const HASH_HEX = 32;
const HASH_IN_NAME = /(?:^|\.)xm([0-9a-f]{32})(?=[.,:!;]|$)/;

/** The account-scoped part of a key: which state file and which messages belong together. */
export function accountScope(key: Pick<MessageKey, "account" | "protocol" | "folder">): string[] {
  const folder =
    key.protocol === "imap" ? (key.folder ?? "INBOX") : key.protocol === "graph" ? graphFolderKey(key.folder) : "";
  return [key.account.trim().toLowerCase(), key.protocol, folder];
}

/**
 * A Graph folder path as it identifies the state: trimmed, lower-case, no empty parts (`Inbox/Invoices/` and
 * `inbox/invoices` are one folder: Graph matches display names case-insensitively).
 */
export function graphFolderKey(folder: string | undefined): string {
  const parts = (folder ?? "inbox")
    .split("/")
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== "");
  return parts.length > 0 ? parts.join("/") : "inbox";
}

/** 128-bit hex hash of a message key; unambiguous because the parts are JSON-encoded, not joined with a separator. */
export function keyHash(key: MessageKey): string {
  const parts = [...accountScope(key), key.protocol === "imap" ? (key.uidValidity ?? 0) : 0, String(key.id)];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, HASH_HEX);
}

/** Maildir spec: a host name in a file name has "/" as \057 and ":" as \072. We also drop anything unprintable. */
export function maildirHostname(host: string = osHostname()): string {
  const clean = host
    .replace(/\//g, "\\057")
    .replace(/:/g, "\\072")
    .replace(/[^\x21-\x7e]/g, "_");
  return clean.length > 0 ? clean.slice(0, 64) : "localhost";
}

/** This machine's name as file names carry it, looked up once (os.hostname() is a uname(2) call per message). */
let localHost: string | undefined;

function thisHost(): string {
  localHost ??= maildirHostname();
  return localHost;
}

/** The file name for a message key; the same key always yields the same hash part. */
export function deliveryName(key: MessageKey, opts: { nowMs?: number; host?: string } = {}): string {
  const seconds = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  const host = opts.host !== undefined ? maildirHostname(opts.host) : thisHost();
  return `${seconds}.xm${keyHash(key)}.${host}`;
}

/** The key hash inside one of our file names (in new/ or cur/, with or without `:2,flags`), else undefined. */
export function hashOfFileName(fileName: string): string | undefined {
  return HASH_IN_NAME.exec(fileName)?.[1];
}

/**
 * POP3 servers without UIDL (RFC 1939 §7 makes it optional): a stable id per message from the header block of
 * `TOP n 0` and the `LIST` size; identical copies in one listing get `#2`, `#3`, ... in listing order.
 */
export function syntheticUidls(messages: readonly { headers: Uint8Array; size: number }[]): string[] {
  const seen = new Map<string, number>();
  return messages.map(({ headers, size }) => {
    const base = `h:${createHash("sha256").update(headers).digest("base64url").slice(0, 32)}:${size}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}
