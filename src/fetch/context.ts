/** What one account's fetch run shares between its connection passes (counters survive reconnects). */
import { join } from "node:path";
import { type ErrorCode, XoauthError } from "../errors.js";
import type { DeliveryBatch, Maildir } from "../store/maildir.js";
import type { DeliveredItem, StateStore } from "../store/state.js";
import type { Hooks } from "./hooks.js";
import type { FetchEvent, FetchOptions } from "./types.js";

export interface Counters {
  fetched: number;
  bytes: number;
  deleted: number;
  skipped: number;
}

/** One delivered message of a batch: server id, what to record, where the file went. */
export interface BatchItem {
  id: string | number;
  record: DeliveredItem;
  /** POP3 message number / IMAP UID used to delete it. */
  ref: number;
  name: string;
  bytes: number;
}

export class FetchContext {
  readonly counters: Counters = { fetched: 0, bytes: 0, deleted: 0, skipped: 0 };
  /** Set whenever a message became durable; the retry loop resets its attempt counter on progress. */
  progress = false;
  /** The access token of the last pass (its claims name tenant, app and service principal in error fixes). */
  lastToken: string | undefined;
  /** The last pass ended because the server said its token expired: the next one asks for a new token. */
  forceTokenRefresh = false;
  /** Set when --exec-required failed: no further deletions, stop after the batch. */
  blocked: XoauthError | undefined;

  constructor(
    readonly opts: FetchOptions,
    readonly md: Maildir,
    readonly state: StateStore,
    readonly hooks: Hooks,
  ) {}

  emit(e: FetchEvent): void {
    this.opts.onEvent?.(e);
  }

  get aborted(): boolean {
    return this.opts.signal?.aborted === true;
  }

  /** Messages still allowed by --limit. */
  get remaining(): number {
    return this.opts.limit === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(0, this.opts.limit - this.counters.fetched);
  }

  get batchMessages(): number {
    return this.opts.batchMessages ?? 64;
  }

  /**
   * The exactly-once step (docs/exactly-once.md): ONE durable sync for the batch, then the owed-hooks record, then
   * the state record, then the hooks. Returns the refs that may now be deleted on the server (durable, recorded,
   * hooks done or not required).
   */
  async commit(batch: DeliveryBatch<BatchItem>): Promise<number[]> {
    if (batch.size === 0) return [];
    const { delivered, failed } = await batch.sync();
    if (delivered.length > 0) {
      // Owed hooks are durable BEFORE the state says "delivered": a crash in between must not let the next run
      // delete these messages on the server without running --exec(-required) (their files are already durable).
      await this.hooks.owe(delivered.map((d) => [d.id, join(this.md.dir, "new", d.name)]));
      this.state.markDelivered(delivered.map((d) => d.record));
      await this.state.flush();
      this.progress = true;
    }
    for (const d of delivered) {
      this.counters.fetched++;
      this.counters.bytes += d.bytes;
      this.emit({ type: "message", id: String(d.id), bytes: d.bytes, path: join(this.md.dir, "new", d.name) });
    }
    this.emit({ type: "batch", delivered: delivered.length });
    const deletable: number[] = [];
    for (const d of delivered) {
      if (this.hooks.active && !this.blocked) {
        await this.runHooks(d.id, join(this.md.dir, "new", d.name));
      }
      if (!this.hooks.isPending(d.id)) deletable.push(d.ref);
    }
    const first = failed[0];
    if (first) throw first.error;
    return deletable;
  }

  /** Runs the owed hooks of one message; a required failure blocks further deletion. */
  async runHooks(id: string | number, file: string): Promise<void> {
    const { results, blocked } = await this.hooks.run(id, file);
    for (const r of results) this.emit({ type: "hook", id: String(id), ok: r.ok, detail: r.detail });
    if (blocked && !this.blocked) {
      const detail = results.find((r) => !r.ok)?.detail ?? "failed";
      this.blocked = fetchError("EXEC_FAILED", `--exec failed for ${file} (${detail}); it stays on the server.`, {
        file,
        detail,
      });
    }
  }

  /** Re-runs the hooks still owed from an earlier run (crash, or --exec-required failure) for files that exist. */
  async settleOwedHooks(): Promise<void> {
    for (const [id, file] of this.hooks.pendingEntries()) {
      if (this.blocked) return;
      await this.runHooks(id, file);
    }
  }

  /** True when a message is recorded as delivered and nothing blocks its deletion. */
  mayDelete(id: string | number): boolean {
    return this.opts.delete && !this.blocked && !this.hooks.isPending(id);
  }
}

export function fetchError(code: ErrorCode, message: string, params: Record<string, string> = {}): XoauthError {
  return new XoauthError(code, message, { details: { params } });
}

/**
 * The connection of a pass, made while the token was read: when both fail, the token's failure is the cause to report
 * (it came first before the two overlapped).
 */
export async function connectedWithToken<T>(connecting: Promise<T>, token: Promise<unknown>): Promise<T> {
  try {
    return await connecting;
  } catch (err) {
    await token;
    throw err;
  }
}
