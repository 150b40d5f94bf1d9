/**
 * Local proxy passwords: scrypt hashes `scrypt$N$r$p$salt$hash` (salt and hash base64, node:crypto only),
 * compared in constant time. Unknown users cost the same work as known ones.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { XoauthError } from "../errors.js";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LEN = 32;
/** Upper bounds so a hostile or mistyped config cannot make one login eat gigabytes. */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, prm: ScryptParams, len: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, len, { ...prm, maxmem: 256 * prm.N * prm.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Parses a stored hash; throws CONFIG_INVALID with the reason. */
export function parsePasswordHash(stored: string): ParsedHash {
  const parts = stored.split("$");
  const bad = (why: string): XoauthError =>
    new XoauthError(
      "CONFIG_INVALID",
      `Invalid password hash (${why}); create one with \`xoauth-mail proxy hash-password\`.`,
    );
  if (parts.length !== 6 || parts[0] !== "scrypt") throw bad("expected scrypt$N$r$p$salt$hash");
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) throw bad("N must be a power of two <= 2^20");
  if (!Number.isInteger(r) || r < 1 || r > MAX_R) throw bad("r out of range");
  if (!Number.isInteger(p) || p < 1 || p > MAX_P) throw bad("p out of range");
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const hash = Buffer.from(parts[5] ?? "", "base64");
  if (salt.length < 8) throw bad("salt too short");
  if (hash.length < 16 || hash.length > 64) throw bad("hash length");
  return { N, r, p, salt, hash };
}

/** Hashes a password for the config file. */
export async function hashPassword(password: string, prm: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, prm, KEY_LEN);
  return `scrypt$${prm.N}$${prm.r}$${prm.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parsePasswordHash(stored);
  const key = await derive(password, h.salt, h, h.hash.length);
  return timingSafeEqual(key, h.hash);
}

let dummyHash: Promise<string> | undefined;
/** Burns the same work as a real check, for user names that do not exist. Always false. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("xoauth-mail-dummy");
  await verifyPassword(password, await dummyHash);
  return false;
}
