/** FETCH data items (RFC 3501 section 6.4.5 / 7.4.2) for the fake: UID, FLAGS, sizes, ENVELOPE, BODY[...] sections. */

import type { ImapToken } from "../../server/imap-command.js";
import type { StoredMessage } from "./directory.js";
import { quote } from "./imap-parser.js";

/** One rendered response piece: text, or a literal body (sent with the drop/stall fault hooks). */
export type FetchPiece = { text: string } | { literal: Buffer };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function internalDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `"${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(
    d.getUTCMinutes(),
  )}:${p(d.getUTCSeconds())} +0000"`;
}

function split(raw: Buffer): { header: Buffer; body: Buffer } {
  const s = raw.toString("latin1");
  const m = /\r?\n\r?\n/.exec(s);
  if (!m) return { header: raw, body: Buffer.alloc(0) };
  const end = m.index + m[0].length;
  return { header: raw.subarray(0, end), body: raw.subarray(end) };
}

/** Unfolded header fields, lower-case names. */
export function headerFields(raw: Buffer): { name: string; line: string; value: string }[] {
  const text = split(raw).header.toString("latin1");
  const out: { name: string; line: string; value: string }[] = [];
  for (const line of text.split(/\r?\n(?![ \t])/)) {
    const i = line.indexOf(":");
    if (i > 0) out.push({ name: line.slice(0, i).trim().toLowerCase(), line, value: line.slice(i + 1).trim() });
  }
  return out;
}

function addressList(v: string | undefined): string {
  if (!v) return "NIL";
  const addrs = v
    .split(",")
    .map((a) => {
      const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]*)>\s*$/.exec(a) ?? /^\s*()([^\s<>]+@[^\s<>]+)\s*$/.exec(a);
      if (!m) return undefined;
      const [local, host] = (m[2] ?? "").split("@");
      return `(${m[1] ? quote(m[1]) : "NIL"} NIL ${quote(local ?? "")} ${quote(host ?? "")})`;
    })
    .filter(Boolean);
  return addrs.length ? `(${addrs.join("")})` : "NIL";
}

/** ENVELOPE from the top-level header (NIL for anything absent). */
export function envelope(raw: Buffer): string {
  const h = headerFields(raw);
  const get = (n: string): string | undefined => h.find((f) => f.name === n)?.value;
  const from = addressList(get("from"));
  return `(${quote(get("date"))} ${quote(get("subject"))} ${from} ${addressList(get("sender")) === "NIL" ? from : addressList(get("sender"))} ${
    addressList(get("reply-to")) === "NIL" ? from : addressList(get("reply-to"))
  } ${addressList(get("to"))} ${addressList(get("cc"))} ${addressList(get("bcc"))} ${quote(get("in-reply-to"))} ${quote(
    get("message-id"),
  )})`;
}

function bodyStructure(raw: Buffer): string {
  const { body } = split(raw);
  const lines = body.toString("latin1").split("\n").length;
  return `("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" ${body.length} ${lines} NIL NIL NIL NIL)`;
}

const SECTION_RE = /^(BODY(?:\.PEEK)?|BINARY(?:\.PEEK)?)\[([^\]]*)\](?:<(\d+)(?:\.(\d+))?>)?$/i;

/** Body section content (`""`, HEADER, TEXT, HEADER.FIELDS (..), HEADER.FIELDS.NOT (..), 1 for single part). */
function section(raw: Buffer, spec: string): Buffer | undefined {
  const s = spec.toUpperCase().trim();
  if (s === "" || (s === "1" && !/content-type:\s*multipart/i.test(split(raw).header.toString("latin1")))) {
    return s === "" ? raw : split(raw).body;
  }
  if (s === "HEADER") return split(raw).header;
  if (s === "TEXT") return split(raw).body;
  const m = /^HEADER\.FIELDS(\.NOT)?\s*\(([^)]*)\)$/.exec(s);
  if (m) {
    const names = new Set(
      (m[2] ?? "")
        .split(/\s+/)
        .filter(Boolean)
        .map((n) => n.toLowerCase().replace(/"/g, "")),
    );
    const keep = headerFields(raw).filter((f) => names.has(f.name) !== !!m[1]);
    return Buffer.from(`${keep.map((f) => `${f.line}\r\n`).join("")}\r\n`, "latin1");
  }
  return undefined;
}

export function flagList(m: StoredMessage): string {
  return `(${[...m.flags].join(" ")})`;
}

/** Expands macros ALL/FAST/FULL and returns the item names (atoms) in request order. */
export function fetchItems(tok: ImapToken | undefined): string[] | undefined {
  if (!tok) return undefined;
  if (tok.t === "atom") {
    const u = tok.v.toUpperCase();
    if (u === "ALL") return ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"];
    if (u === "FAST") return ["FLAGS", "INTERNALDATE", "RFC822.SIZE"];
    if (u === "FULL") return ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"];
    return [tok.v];
  }
  if (tok.t === "list" && tok.v.every((t) => t.t === "atom")) return tok.v.map((t) => (t as { v: string }).v);
  return undefined;
}

/**
 * Renders one `* n FETCH (...)` response. Returns undefined for an unknown item (the command answers BAD).
 * `setsSeen` is true when a non-PEEK body section was fetched (the caller adds \Seen).
 */
export function renderFetch(
  seq: number,
  m: StoredMessage,
  items: string[],
  withUid: boolean,
): { pieces: FetchPiece[]; setsSeen: boolean } | undefined {
  const pieces: FetchPiece[] = [];
  let text = `* ${seq} FETCH (`;
  let first = true;
  let setsSeen = false;
  const add = (s: string): void => {
    text += (first ? "" : " ") + s;
    first = false;
  };
  const addLiteral = (label: string, data: Buffer): void => {
    add(`${label} {${data.length}}\r\n`);
    pieces.push({ text }, { literal: data });
    text = "";
  };
  // Exchange Online puts the UID after the other items (`* 1 FETCH (RFC822.SIZE 45274 UID 84)`,
  // docs/exchange-behaviour.md); done here also when the client asks for UID first, the harder case for a client.
  const names = [
    ...items.filter((i) => i.toUpperCase() !== "UID"),
    ...(withUid || items.some((i) => i.toUpperCase() === "UID") ? ["UID"] : []),
  ];
  for (const item of names) {
    const u = item.toUpperCase();
    if (u === "UID") add(`UID ${m.uid}`);
    else if (u === "FLAGS") add(`FLAGS ${flagList(m)}`);
    else if (u === "RFC822.SIZE") add(`RFC822.SIZE ${m.raw.length}`);
    else if (u === "INTERNALDATE") add(`INTERNALDATE ${internalDate(m.internalDate)}`);
    else if (u === "ENVELOPE") add(`ENVELOPE ${envelope(m.raw)}`);
    else if (u === "BODYSTRUCTURE" || u === "BODY") add(`${u} ${bodyStructure(m.raw)}`);
    else if (u === "RFC822") {
      setsSeen = true;
      addLiteral(u, m.raw);
    } else if (u === "RFC822.HEADER") addLiteral(u, section(m.raw, "HEADER") as Buffer);
    else if (u === "RFC822.TEXT") {
      setsSeen = true;
      addLiteral(u, section(m.raw, "TEXT") as Buffer);
    } else {
      const sm = SECTION_RE.exec(item);
      if (!sm) return undefined;
      let data = section(m.raw, sm[2] ?? "");
      if (!data) return undefined;
      const kind = (sm[1] ?? "").toUpperCase();
      if (!kind.endsWith(".PEEK")) setsSeen = true;
      let label = `${kind.replace(".PEEK", "")}[${sm[2]}]`;
      if (sm[3] !== undefined) {
        const start = Number(sm[3]);
        data = data.subarray(start, sm[4] !== undefined ? start + Number(sm[4]) : undefined);
        label += `<${start}>`;
      }
      addLiteral(label, data);
    }
  }
  pieces.push({ text: `${text})\r\n` });
  return { pieces, setsSeen };
}
