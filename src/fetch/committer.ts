/**
 * Cuts a stream of deliveries into durability batches (ctx.batchMessages messages or opts.batchBytes bytes) and
 * commits each one (docs/exactly-once.md: fsyncs, ONE fsync(new/), state record, hooks) while the download goes
 * on. Commits run one after another in arrival order; `acknowledge` (DELE / EXPUNGE) runs after its batch's commit.
 */
import type { Delivery, DeliveryBatch } from "../store/maildir.js";
import type { BatchItem, FetchContext } from "./context.js";

export class BatchCommitter {
  private batch: DeliveryBatch<BatchItem>;
  private bytes = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Set once a commit or acknowledgement failed: stop downloading, {@link finish} throws the error. */
  failed = false;

  constructor(
    private readonly ctx: FetchContext,
    /** Called with the refs (POP3 numbers / IMAP UIDs) that are durable, recorded and may be deleted. */
    private readonly acknowledge: (refs: number[]) => Promise<void>,
  ) {
    this.batch = ctx.md.batch<BatchItem>();
  }

  /** Starts the delivery's commit; closes the batch when it is full. */
  add(d: Delivery, item: BatchItem): void {
    this.batch.add(d, item);
    this.bytes += item.bytes;
    if (this.batch.size >= this.ctx.batchMessages || this.bytes >= (this.ctx.opts.batchBytes ?? 32 * 1024 * 1024)) {
      this.cut();
    }
  }

  /** Commits what is left and waits for every commit and acknowledgement; throws the first failure. */
  async finish(): Promise<void> {
    this.cut();
    await this.chain;
  }

  private cut(): void {
    const batch = this.batch;
    this.batch = this.ctx.md.batch<BatchItem>();
    this.bytes = 0;
    const previous = this.chain;
    this.chain = (async () => {
      try {
        await previous;
      } catch (err) {
        // An earlier batch failed: commit nothing more, but let this batch's background fsync+rename (started by
        // add) finish before the failure propagates, so no retry pass races them (duplicate file, O_EXCL tmp clash).
        await batch.sync().catch(() => undefined);
        throw err;
      }
      const deletable = await this.ctx.commit(batch);
      if (deletable.length > 0 && !this.ctx.aborted) await this.acknowledge(deletable);
    })();
    this.chain.catch(() => {
      this.failed = true;
    });
  }
}
