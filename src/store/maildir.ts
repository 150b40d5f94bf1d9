/**
 * Maildir delivery (cr.yp.to/proto/maildir.html), streamed and durable. API for the fetch engine:
 *
 *   const md = await Maildir.open(dir);                  // creates tmp/ new/ cur/ (0700), indexes our files once
 *   if (md.findDelivered(key)) ...                       // already in new/ or cur/ (MUA may have added :2,flags)
 *   const batch = md.batch<string>();
 *   const d = await md.beginDelivery(deliveryName(key)); // tmp/<name> (O_EXCL, 0600), opened when first needed
 *   await pipeline(bodyStream, d.writable);              // small messages: spooled in memory; big: streamed
 *   (or: await d.write(chunk) per chunk / whole message)
 *   batch.add(d, uidl);                                  // starts fsync(file) + rename(tmp -> new) in the background
 *   ...more messages...
 *   const { delivered, failed } = await batch.sync();    // waits for them, then ONE fsync(new/)
 *   // only now: record `delivered` in the state file, then DELE / EXPUNGE them on the server.
 *   // on any error before add(): await d.abort()        // removes tmp/<name>
 *
 * Order per message: write -> fsync(file) -> close -> rename into new/; per batch: fsync(new/). See docs/exactly-once.md.
 * Speed (opt-in, the fetch engine does): a message of up to `spoolBytes` is kept in memory (Maildir-wide budget
 * `spoolTotalBytes`) and opened, written, fsynced, closed and renamed by commit() in the background, so the download
 * never waits for the disk per message. Bigger ones (or any while the budget is used up) stream into tmp/. On tmpfs
 * the file calls (open, write, fsync, close, rename) run on the main thread, elsewhere on the thread pool (ShortCalls
 * in fsops.ts).
 */
import { constants } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { storeError } from "./fs-errors.js";
import { fd, makeDirs, nodeStoreFs, onMemoryFileSystem, ShortCalls, type StoreFs } from "./fsops.js";
import { hashOfFileName, keyHash, type MessageKey } from "./names.js";

export interface MaildirOptions {
  fs?: StoreFs;
  /** Largest message accepted by a Delivery (default LIMITS.maxMessageBytes). */
  maxMessageBytes?: number;
  /** Messages up to this size are kept in memory until commit (default 0: every write goes to tmp/ at once). */
  spoolBytes?: number;
  /** Memory all spooled, not yet written messages may use together (default 16 MiB). */
  spoolTotalBytes?: number;
  /**
   * File calls (open, write, fsync, close, rename) on the main thread while the storage answers them at once
   * ({@link ShortCalls}; default true: on tmpfs and ramfs, see onMemoryFileSystem). Only with the real file
   * system: an injected `fs` gets every call through it.
   */
  shortCallsOnMainThread?: boolean;
}

/** Where a delivered message is now, relative to the Maildir root: `new/<name>` or `cur/<name>:2,S`. */
export type DeliveredPath = string;

export { storeError };

export class Maildir {
  /** Key hash -> relative path, built once per run by {@link open}, updated on each commit. */
  private readonly delivered = new Map<string, DeliveredPath>();
  /** Bytes held in memory by deliveries not yet written (bounded by spoolTotalBytes). */
  private spooled = 0;

  private constructor(
    readonly dir: string,
    readonly fs: StoreFs,
    readonly maxMessageBytes: number,
    readonly spoolBytes: number,
    readonly spoolTotalBytes: number,
    /** @internal How a delivery's short calls run (main thread or thread pool). */
    readonly short: ShortCalls,
  ) {}

  static async open(dir: string, opts: MaildirOptions = {}): Promise<Maildir> {
    const fs = opts.fs ?? nodeStoreFs;
    try {
      for (const sub of ["", "tmp", "new", "cur"]) await makeDirs(join(dir, sub));
      const mainThread =
        opts.shortCallsOnMainThread !== false && fs === nodeStoreFs && (await onMemoryFileSystem(join(dir, "tmp")));
      const md = new Maildir(
        dir,
        fs,
        opts.maxMessageBytes ?? LIMITS.maxMessageBytes,
        opts.spoolBytes ?? 0,
        opts.spoolTotalBytes ?? 16 * 1024 * 1024,
        new ShortCalls(mainThread),
      );
      await md.rescan();
      return md;
    } catch (err) {
      if (err instanceof XoauthError) throw err;
      throw storeError(`Cannot open Maildir ${dir}: ${(err as Error).message}`, err, { path: dir });
    }
  }

  /** Re-reads new/ and cur/ (a MUA may have moved files). Called by open(); cheap enough for ~1M files. */
  async rescan(): Promise<void> {
    this.delivered.clear();
    for (const sub of ["new", "cur"] as const) {
      for (const name of await readdir(join(this.dir, sub))) {
        const hash = hashOfFileName(name);
        if (hash !== undefined && !this.delivered.has(hash)) this.delivered.set(hash, `${sub}/${name}`);
      }
    }
  }

  /** Where the message with this key (or key hash) was delivered, if it is in new/ or cur/. */
  findDelivered(key: MessageKey | string): DeliveredPath | undefined {
    return this.delivered.get(typeof key === "string" ? key : keyHash(key));
  }

  /** Number of our messages currently indexed (new/ + cur/). */
  get deliveredCount(): number {
    return this.delivered.size;
  }

  /** A delivery into tmp/<name>. The name must come from deliveryName() for recovery to work. */
  async beginDelivery(name: string): Promise<Delivery> {
    return this.delivery(name);
  }

  /** beginDelivery() for callers that cannot wait (a literal about to stream): nothing touches the disk yet. */
  delivery(name: string): Delivery {
    if (name.length === 0 || /[/\\:\0]/.test(name) || name.startsWith(".")) {
      throw storeError(`Invalid Maildir file name: ${JSON.stringify(name)}`);
    }
    return new Delivery(this, name, join(this.dir, "tmp", name));
  }

  /** @internal Reserves spool memory (false: budget used up), or releases it with a negative count. */
  reserveSpool(bytes: number): boolean {
    if (bytes > 0 && this.spooled + bytes > this.spoolTotalBytes) return false;
    this.spooled += bytes;
    return true;
  }

  /** A group of deliveries made durable together by one directory fsync. */
  batch<T = string>(): DeliveryBatch<T> {
    return new DeliveryBatch<T>(this);
  }

  /** fsync(new/): makes every rename into new/ so far durable. */
  async syncNew(): Promise<void> {
    try {
      await this.fs.fsyncDir(join(this.dir, "new"));
    } catch (err) {
      throw storeError(`Cannot fsync ${join(this.dir, "new")}: ${(err as Error).message}`, err);
    }
  }

  /** @internal called by Delivery.commit after the rename. */
  noteDelivered(name: string): void {
    const hash = hashOfFileName(name);
    if (hash !== undefined) this.delivered.set(hash, `new/${name}`);
  }
}

type DeliveryState = "open" | "committing" | "committed" | "aborted";

/** One message being written into tmp/. Write through {@link writable} (or {@link write}), then commit or abort. */
export class Delivery {
  private state: DeliveryState = "open";
  private written = 0;
  /** tmp/<name>, opened (O_EXCL, 0600) once the message outgrows the spool, or by commit(). */
  private fh: number | undefined;
  /** Chunks not yet written to fh (they count against the Maildir's spool budget). */
  private spool: Uint8Array[] = [];
  private spoolSize = 0;
  private stream: Writable | undefined;
  /**
   * The write to tmp/<name> in progress (open + writev), settled. abort() waits for it before closing the descriptor:
   * a descriptor closed under a queued writev could be reused by another message's file before that writev runs.
   */
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly maildir: Maildir,
    readonly name: string,
    readonly tmpPath: string,
  ) {}

  /**
   * Writable stream into the delivery; a chunk is accepted once spooled or written (backpressure). Made on first use:
   * a message handed over whole (IMAP's bulk FETCH) is written with {@link write} and never needs one.
   */
  get writable(): Writable {
    if (this.stream) return this.stream;
    const w = new Writable({
      highWaterMark: 64 * 1024,
      write: (chunk: Buffer, _enc, cb) => {
        this.write(chunk).then(() => cb(), cb);
      },
      writev: (chunks, cb) => {
        this.writeAll(chunks.map((c) => c.chunk as Buffer)).then(() => cb(), cb);
      },
    });
    // A failed write is kept and thrown by flush()/commit() (a streaming writer may listen too); without a listener
    // here an 'error' nobody else waits for would end the process.
    w.on("error", (err) => {
      this.writeError ??= err;
    });
    this.stream = w;
    return w;
  }

  /** The first write through {@link writable} that failed: the file is incomplete and must never be committed. */
  private writeError: Error | undefined;

  /** Ends {@link writable} and waits until every chunk written through it is taken (spooled or on disk). */
  async flush(): Promise<void> {
    if (this.writeError) throw this.writeError;
    if (!this.stream) return; // everything came through write()
    if (this.writable.destroyed && !this.writable.writableFinished) {
      throw storeError(`Delivery ${this.name}: the message stream was closed before its end`);
    }
    if (this.writable.writableFinished) return;
    await new Promise<void>((resolve, reject) => {
      this.writable.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.writeError) throw this.writeError;
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.written;
  }

  /** Writes one chunk (awaits the disk write; the caller's await is the backpressure). */
  async write(chunk: Uint8Array): Promise<void> {
    await this.writeAll([chunk]);
  }

  /** Writes chunks in order, as one write (a message handed over whole in pieces). */
  async writeAll(chunks: Uint8Array[]): Promise<void> {
    if (this.state !== "open") throw storeError(`Delivery ${this.name} is ${this.state}`);
    const total = chunks.reduce((n, c) => n + c.length, 0);
    if (this.written + total > this.maildir.maxMessageBytes) {
      throw new XoauthError("LIMIT_EXCEEDED", `Message larger than ${this.maildir.maxMessageBytes} bytes`, {
        details: { params: { limit: this.maildir.maxMessageBytes } },
      });
    }
    const fresh = chunks.filter((c) => c.length > 0);
    if (
      this.fh === undefined &&
      this.spoolSize + total <= this.maildir.spoolBytes &&
      this.maildir.reserveSpool(total)
    ) {
      this.spool.push(...fresh);
      this.spoolSize += total;
      this.written += total;
      return;
    }
    await this.writeOut(fresh);
    this.written += total;
  }

  /** Opens tmp/<name> if needed and writes the spool, then `chunks`. */
  private writeOut(chunks: Uint8Array[]): Promise<void> {
    const op = this.writeOutNow(chunks);
    this.inflight = op.then(
      () => undefined,
      () => undefined,
    );
    return op;
  }

  private async writeOutNow(chunks: Uint8Array[]): Promise<void> {
    if (this.fh === undefined) {
      try {
        const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
        this.fh = await this.maildir.short.open(this.tmpPath, flags, 0o600);
      } catch (err) {
        throw storeError(`Cannot create ${this.tmpPath}: ${(err as Error).message}`, err, { path: this.tmpPath });
      }
    }
    try {
      await this.maildir.short.writeFully(this.fh, [...this.spool, ...chunks]);
    } catch (err) {
      throw storeError(`Cannot write ${this.tmpPath}`, err, { path: this.tmpPath });
    }
    this.spool = [];
    this.maildir.reserveSpool(-this.spoolSize);
    this.spoolSize = 0;
  }

  /**
   * fsync(file), close, rename tmp/<name> -> new/<name>. Returns "new/<name>". The rename is durable only after
   * the next fsync(new/) (Maildir.syncNew or DeliveryBatch.sync). On failure the tmp file is removed.
   */
  async commit(): Promise<DeliveredPath> {
    if (this.state !== "open") throw storeError(`Delivery ${this.name} is ${this.state}`);
    const fs = this.maildir.fs;
    const newPath = join(this.maildir.dir, "new", this.name);
    try {
      await this.flush(); // chunks still buffered in the writable go first, while the delivery takes them
    } catch (err) {
      await this.abort();
      throw storeError(`Cannot deliver ${this.name}: ${(err as Error).message}`, err, { path: newPath });
    }
    this.state = "committing";
    try {
      await this.writeOut([]);
      const fh = this.fh as number;
      await this.maildir.short.fsync(fh, (file) => fs.fsyncFile(file, this.tmpPath));
      this.fh = undefined;
      await this.maildir.short.close(fh);
      await this.maildir.short.rename(this.tmpPath, newPath, (from, to) => fs.rename(from, to));
    } catch (err) {
      this.state = "open";
      await this.abort();
      throw storeError(`Cannot deliver ${this.name}: ${(err as Error).message}`, err, { path: newPath });
    }
    this.state = "committed";
    this.maildir.noteDelivered(this.name);
    return `new/${this.name}`;
  }

  /** Closes and removes tmp/<name>. Safe to call more than once, and after a failed commit. */
  async abort(): Promise<void> {
    if (this.state === "committed" || this.state === "aborted") return;
    this.state = "aborted";
    this.stream?.destroy();
    await this.inflight;
    this.maildir.reserveSpool(-this.spoolSize);
    this.spool = [];
    this.spoolSize = 0;
    const fh = this.fh;
    this.fh = undefined;
    if (fh !== undefined) await fd.close(fh).catch(() => undefined);
    await this.maildir.fs.unlink(this.tmpPath).catch(() => undefined);
  }
}

export interface BatchResult<T> {
  /** Tags of messages now durable in new/: safe to record in state, then to delete on the server. */
  delivered: T[];
  /** Tags whose commit failed (tmp file removed): NOT to be acknowledged; they are fetched again next run. */
  failed: { tag: T; error: XoauthError }[];
}

/**
 * Group durability: each add() starts fsync(file) + rename right away (overlapping with the download of the next
 * message; the file system coalesces concurrent fsyncs into few journal commits); sync() awaits them and fsyncs new/
 * ONCE for the whole batch.
 */
export class DeliveryBatch<T = string> {
  private pending: { tag: T; done: Promise<XoauthError | undefined> }[] = [];

  constructor(private readonly maildir: Maildir) {}

  get size(): number {
    return this.pending.length;
  }

  /** Starts committing `delivery`; `tag` (e.g. the UIDL or UID) is returned by sync(). */
  add(delivery: Delivery, tag: T): void {
    const done = delivery.commit().then(
      () => undefined,
      (err: unknown) => (err instanceof XoauthError ? err : storeError(String(err), err)),
    );
    this.pending.push({ tag, done });
  }

  /** Awaits every commit, then fsyncs new/ once. Throws (acknowledge nothing) if the directory fsync fails. */
  async sync(): Promise<BatchResult<T>> {
    const items = this.pending;
    this.pending = [];
    const result: BatchResult<T> = { delivered: [], failed: [] };
    for (const { tag, done } of items) {
      const error = await done;
      if (error) result.failed.push({ tag, error });
      else result.delivered.push(tag);
    }
    if (result.delivered.length > 0) await this.maildir.syncNew();
    return result;
  }
}
