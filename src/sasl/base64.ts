/** Strict base64 (RFC 4648 §4) as SASL requires (RFC 4422 §3.1): Node's decoder alone accepts garbage. */
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes canonical base64, or returns undefined when the text is not valid base64. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const t = text.trim();
  if (!B64_RE.test(t)) return undefined;
  return Buffer.from(t, "base64");
}

export function encodeBase64(data: string | Buffer): string {
  return (typeof data === "string" ? Buffer.from(data, "utf8") : data).toString("base64");
}
