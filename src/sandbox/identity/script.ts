/** Fault injection for tests: the next n requests fail with a given HTTP status or AADSTS code. */

export interface FailSpec {
  /** HTTP status to answer with (e.g. 429, 500, 503). Ignored when `aadsts` is set. */
  status?: number;
  /** Adds `Retry-After: <sec>`. */
  retryAfterSec?: number;
  /** Answer with this AADSTS error (Microsoft's JSON shape, its `error` string and status). */
  aadsts?: number;
  /** Body for a plain `status` failure (default: a short text/plain reason). */
  body?: string;
  /** Which requests it applies to (default: token requests only). */
  endpoint?: "token" | "any";
}

export class FakeScript {
  readonly #queue: FailSpec[] = [];

  /** The next `n` matching requests fail as described. */
  failNext(n: number, spec: FailSpec): void {
    for (let i = 0; i < n; i++) this.#queue.push({ ...spec });
  }

  /** The next token request answers with this AADSTS code, whatever it contains. */
  forceAadsts(code: number, n = 1): void {
    this.failNext(n, { aadsts: code });
  }

  clear(): void {
    this.#queue.length = 0;
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Takes the failure for a request to `endpoint`, if one is queued for it. */
  take(endpoint: "token" | "other"): FailSpec | undefined {
    const i = this.#queue.findIndex((s) => (s.endpoint ?? "token") === "any" || endpoint === "token");
    if (i < 0) return undefined;
    return this.#queue.splice(i, 1)[0];
  }
}

/** Counts identical token requests in a sliding window (AADSTS50196 "loop detected"). */
export class LoopDetector {
  readonly #hits = new Map<string, number[]>();

  constructor(readonly opts: { maxIdentical: number; windowMs: number } | undefined) {}

  /** Records one request; true when more than `maxIdentical` identical ones fell into the window. */
  hit(key: string, nowMs: number): boolean {
    if (!this.opts) return false;
    const since = nowMs - this.opts.windowMs;
    const list = (this.#hits.get(key) ?? []).filter((t) => t > since);
    list.push(nowMs);
    this.#hits.set(key, list);
    if (this.#hits.size > 10_000) {
      for (const [k, v] of this.#hits) if ((v[v.length - 1] ?? 0) <= since) this.#hits.delete(k);
    }
    return list.length > this.opts.maxIdentical;
  }
}
