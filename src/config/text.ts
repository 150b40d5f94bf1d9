/**
 * Text files as editors on Windows save them: UTF-8 with or without a byte order mark, and UTF-16 (Notepad's
 * "Unicode" = UTF-16LE, "Unicode big endian" = UTF-16BE) with a BOM. A UTF-16 file without a BOM is recognised when
 * every character has a zero high byte (ASCII and Latin-1: secrets, YAML keys, German comments).
 */

function utf16be(bytes: Buffer): string {
  const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return even.swap16().toString("utf16le");
}

/** Which zero high bytes a BOM-less buffer has: "le" (every odd byte 0), "be" (every even byte 0) or undefined. */
function bomlessUtf16(bytes: Buffer): "le" | "be" | undefined {
  if (bytes.length < 2 || bytes.length % 2 !== 0 || !bytes.includes(0)) return undefined;
  let oddZero = true;
  let evenZero = true;
  for (let i = 0; i < bytes.length && (oddZero || evenZero); i += 2) {
    if (bytes[i] !== 0) evenZero = false;
    if (bytes[i + 1] !== 0) oddZero = false;
  }
  if (oddZero && !evenZero) return "le";
  if (evenZero && !oddZero) return "be";
  return undefined;
}

/** Decodes a text file's bytes (see above); the BOM is dropped. Anything else is read as UTF-8. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString("utf8");
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16be(bytes.subarray(2));
  const bomless = bomlessUtf16(bytes);
  if (bomless === "le") return bytes.toString("utf16le");
  if (bomless === "be") return utf16be(bytes);
  return bytes.toString("utf8");
}
