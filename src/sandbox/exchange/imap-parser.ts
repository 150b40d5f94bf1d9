/**
 * Response-side helpers of the IMAP fake: sequence sets and quoting. Commands are read and tokenized by the
 * server-side IMAP reader the proxy uses too (src/server/imap-command.ts).
 */

/** Parses a sequence set (`1,3:5,7:*`) into a predicate over numbers; `*` means `max`. */
export function parseSequenceSet(set: string, max: number): ((n: number) => boolean) | undefined {
  if (!/^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(set)) return undefined;
  const ranges = set.split(",").map((r) => {
    const [a, b] = r.split(":").map((x) => (x === "*" ? max : Number(x))) as [number, number | undefined];
    const lo = Math.min(a, b ?? a);
    const hi = Math.max(a, b ?? a);
    return [lo, hi] as const;
  });
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

/** Quotes a string for a response (quoted if safe, else a literal). */
export function quote(s: string | undefined | null): string {
  if (s === undefined || s === null) return "NIL";
  if (/[\r\n"\\]/.test(s) || /[^\x20-\x7e]/.test(s)) return `{${Buffer.byteLength(s)}}\r\n${s}`;
  return `"${s}"`;
}
