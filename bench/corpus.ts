/**
 * Deterministic test mail: a seeded PRNG picks sizes (most small, few large) and content, and the messages are
 * written straight into a Dovecot Maildir (`new/`, with `S=`/`W=` sizes in the name) — far faster than one
 * `doveadm save` per message. Dovecot indexes them on the next access (checked by the caller).
 */
import { chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAIL_GID, MAIL_UID } from "../test/harness/dovecot/dovecot-conf.js";

/** mulberry32: small, fast, and the same sequence everywhere for one seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KB = 1024;
const MB = 1024 * KB;

/** Sizes: 80% 2-20 KB, 17% 20-500 KB, 3% 0.5-5 MB (log-uniform in each band), scaled to about `totalBytes`. */
export function messageSizes(count: number, totalBytes: number, rand: () => number): number[] {
  const logUniform = (lo: number, hi: number) => Math.round(lo * (hi / lo) ** rand());
  const sizes = Array.from({ length: count }, (_, i) => {
    const r = (i * 7919) % 100; // fixed band shares, PRNG within the band
    if (r < 80) return logUniform(2 * KB, 20 * KB);
    if (r < 97) return logUniform(20 * KB, 500 * KB);
    return logUniform(500 * KB, 5 * MB);
  });
  const small = sizes.filter((s) => s <= 20 * KB).reduce((a, b) => a + b, 0);
  const rest = sizes.reduce((a, b) => a + b, 0) - small;
  const k = rest > 0 ? Math.max(0.1, (totalBytes - small) / rest) : 1;
  return sizes.map((s) => (s <= 20 * KB ? s : Math.min(5 * MB, Math.max(20 * KB, Math.round(s * k)))));
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A pool of fixed-length LF lines to slice message bodies from, written byte by byte (fast, deterministic). */
function linePool(
  rand: () => number,
  lines: number,
  lineLen: number,
  alphabet: string,
): { buf: Buffer; lineLen: number } {
  const buf = Buffer.alloc(lines * lineLen);
  const codes = Buffer.from(alphabet);
  for (let l = 0; l < lines; l++) {
    const o = l * lineLen;
    for (let j = 0; j < lineLen - 1; j++) buf[o + j] = codes[Math.floor(rand() * codes.length)] as number;
    buf[o + lineLen - 1] = 10;
  }
  return { buf, lineLen };
}

let pools: { text: { buf: Buffer; lineLen: number }; b64: { buf: Buffer; lineLen: number } } | undefined;

/** Built once per process from a fixed seed; each corpus seed only chooses where to slice. */
function sharedPools(): NonNullable<typeof pools> {
  if (pools) return pools;
  const rand = prng(1);
  // Text: words separated by spaces, fixed-width lines (a cheap stand-in for prose).
  const text = linePool(rand, 16_384, 71, "etaoinshrdlu etaoinshrdlu      cmfwypvbgkqjxz");
  pools = { text, b64: linePool(rand, 65_536, 77, B64) };
  return pools;
}

export interface Corpus {
  build(i: number, size: number, to: string): Buffer;
}

export function corpus(seed: number): Corpus {
  const rand = prng(seed);
  const { text, b64 } = sharedPools();
  const slice = (pool: { buf: Buffer; lineLen: number }, bytes: number): Buffer[] => {
    const out: Buffer[] = [];
    let left = Math.max(pool.lineLen, bytes - (bytes % pool.lineLen));
    while (left > 0) {
      const start = Math.floor(rand() * (pool.buf.length / pool.lineLen)) * pool.lineLen;
      const n = Math.min(left, pool.buf.length - start);
      out.push(pool.buf.subarray(start, start + n));
      left -= n;
    }
    return out;
  };
  return {
    build(i, size, to) {
      const date = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toUTCString().replace("GMT", "+0000");
      const head =
        `Return-Path: <sender${i % 37}@example.net>\nFrom: Sender ${i % 37} <sender${i % 37}@example.net>\n` +
        `To: <${to}>\nSubject: Bench message ${i}\nDate: ${date}\nMessage-ID: <bench-${seed}-${i}@bench.test>\n` +
        "MIME-Version: 1.0\n";
      if (size <= 20 * KB) {
        const h = Buffer.from(`${head}Content-Type: text/plain; charset=us-ascii\n\n`);
        return Buffer.concat([h, ...slice(text, size - h.length)]);
      }
      const h = Buffer.from(
        `${head}Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\nContent-Type: text/plain\n\n` +
          `Please find the document attached.\n\n--b${i}\nContent-Type: application/pdf; name="doc${i}.pdf"\n` +
          `Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="doc${i}.pdf"\n\n`,
      );
      const tail = Buffer.from(`\n--b${i}--\n`);
      return Buffer.concat([h, ...slice(b64, size - h.length - tail.length), tail]);
    },
  };
}

export interface FillResult {
  messages: number;
  /** Bytes as POP3/IMAP serve them (CRLF line ends). */
  bytes: number;
}

/** Writes `sizes.length` messages into `<maildir>/new/` owned by the mail uid; returns what the server will serve. */
export function fillMaildir(maildir: string, to: string, sizes: number[], seed: number): FillResult {
  const c = corpus(seed);
  for (const d of ["", "new", "cur", "tmp"]) {
    mkdirSync(join(maildir, d), { recursive: true });
    chownSync(join(maildir, d), MAIL_UID, MAIL_GID);
  }
  chownSync(join(maildir, ".."), MAIL_UID, MAIL_GID);
  let bytes = 0;
  sizes.forEach((size, i) => {
    const msg = c.build(i, size, to);
    let lf = 0;
    for (let p = msg.indexOf(10); p !== -1; p = msg.indexOf(10, p + 1)) lf++;
    const vsize = msg.length + lf;
    bytes += vsize;
    const file = join(maildir, "new", `${1_700_000_000 + i}.M${i}P${seed}.bench,S=${msg.length},W=${vsize}`);
    writeFileSync(file, msg);
    chownSync(file, MAIL_UID, MAIL_GID);
  });
  return { messages: sizes.length, bytes };
}
