/** Mailbox names on the wire (RFC 3501 §5.1.3 modified UTF-7) and quoted strings (§4.3). */

/** "Gelöschte Elemente" -> "Gel&APY-schte Elemente"; "&" -> "&-". ASCII names are unchanged. */
export function encodeMailboxName(name: string): string {
  let out = "";
  let pending = "";
  const flush = () => {
    if (!pending) return;
    const utf16 = Buffer.alloc(pending.length * 2);
    for (let i = 0; i < pending.length; i++) utf16.writeUInt16BE(pending.charCodeAt(i), i * 2);
    out += `&${utf16.toString("base64").replace(/=+$/, "").replace(/\//g, ",")}-`;
    pending = "";
  };
  for (const ch of name) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0x20 && c <= 0x7e) {
      flush();
      out += ch === "&" ? "&-" : ch;
    } else pending += ch;
  }
  flush();
  return out;
}

/** A quoted string; names with CR/LF/NUL cannot be quoted and are refused by the caller's validation. */
export function quoteString(s: string): string {
  if (/[\r\n\0]/.test(s)) throw new RangeError("IMAP quoted strings cannot hold CR, LF or NUL");
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
