/**
 * The one UID-set module (the fetch state and the IMAP commands): a set of IMAP UIDs stored as sorted, disjoint,
 * non-adjacent ranges — the shape of RFC 3501 §9 `sequence-set` ("1:100,105,200:250"). A mailbox of 1M consecutive
 * UIDs costs one range, not a million numbers.
 */
export class UidSet {
  /** Flat [start0, end0, start1, end1, ...], sorted, ranges separated by at least one missing UID. */
  private r: number[] = [];

  static parse(text: string): UidSet {
    const set = new UidSet();
    if (text.trim() === "") return set;
    for (const part of text.split(",")) {
      const m = /^(\d+)(?::(\d+))?$/.exec(part.trim());
      if (!m) throw new Error(`Invalid UID set element ${JSON.stringify(part)}`);
      const a = Number(m[1]);
      const b = m[2] === undefined ? a : Number(m[2]);
      set.addRange(Math.min(a, b), Math.max(a, b));
    }
    return set;
  }

  /** Number of ranges (memory is proportional to this, not to the number of UIDs). */
  get rangeCount(): number {
    return this.r.length / 2;
  }

  get size(): number {
    let n = 0;
    for (let i = 0; i < this.r.length; i += 2) n += this.r[i + 1]! - this.r[i]! + 1;
    return n;
  }

  get max(): number {
    return this.r.length === 0 ? 0 : this.r[this.r.length - 1]!;
  }

  /** Index of the first range whose end >= uid (binary search). */
  private find(uid: number): number {
    let lo = 0;
    let hi = this.r.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.r[mid * 2 + 1]! < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(uid: number): boolean {
    const i = this.find(uid);
    return i < this.r.length / 2 && this.r[i * 2]! <= uid;
  }

  add(uid: number): void {
    this.addRange(uid, uid);
  }

  addRange(start: number, end: number): void {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 1 || end < start) {
      throw new Error(`Invalid UID range ${start}:${end}`);
    }
    // First range that touches or follows [start-1 ...], last range that touches [... end+1].
    let i = this.find(start - 1);
    let j = i;
    let s = start;
    let e = end;
    while (j < this.r.length / 2 && this.r[j * 2]! <= end + 1) {
      s = Math.min(s, this.r[j * 2]!);
      e = Math.max(e, this.r[j * 2 + 1]!);
      j++;
    }
    if (i > this.r.length / 2) i = this.r.length / 2;
    this.r.splice(i * 2, (j - i) * 2, s, e);
  }

  toString(): string {
    const out: string[] = [];
    for (let i = 0; i < this.r.length; i += 2) {
      const a = this.r[i]!;
      const b = this.r[i + 1]!;
      out.push(a === b ? String(a) : `${a}:${b}`);
    }
    return out.join(",");
  }
}

/** IMAP `sequence-set` text (RFC 3501 §9) for a list of UIDs, sorted and merged: `1:5,7,9:12`. */
export function uidSetString(uids: Iterable<number>): string {
  const set = new UidSet();
  for (const u of uids) set.add(u);
  return set.toString();
}
