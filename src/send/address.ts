/** Envelope addresses of `send`: plain addr-specs (RFC 5321 §4.1.2 Mailbox), one per flag or comma-separated. */
import { XoauthError } from "../errors.js";

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address at most 254. */
const MAX_ADDRESS = 254;
const LOCAL = String.raw`[^\s@<>(),;:"\[\]\\]+`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?`;
const ADDRESS_RE = new RegExp(`^${LOCAL}@${LABEL}(?:\\.${LABEL})+$`, "u");

export function isAddress(value: string): boolean {
  return value.length <= MAX_ADDRESS && ADDRESS_RE.test(value);
}

/** One address, or a USAGE error naming the flag. */
export function parseAddress(value: string, flag: string): string {
  const v = value.trim();
  if (!isAddress(v)) {
    throw new XoauthError(
      "USAGE",
      `${flag} "${value}" is not an e-mail address (expected local@domain.tld, without a display name or <>).`,
    );
  }
  return v;
}

/** Every address of a repeatable flag; each value may hold several, separated by commas. */
export function parseAddressList(values: readonly string[] | undefined, flag: string): string[] {
  const out: string[] = [];
  for (const value of values ?? []) {
    for (const part of value.split(",")) {
      if (part.trim() === "") continue;
      out.push(parseAddress(part, flag));
    }
  }
  return out;
}
