/**
 * Per-account record of what was delivered — the other half of exactly-once (docs/exactly-once.md).
 * API for the fetch engine:
 *
 *   const state = await StateStore.load({ account, protocol: "pop3" }, { maildir: md.dir }); // takes the account lock
 *   await state.recover(md);                  // deletes our stale tmp/ files; isDelivered() now also sees new/ + cur/
 *   state.setUidValidity(v);                  // IMAP, after SELECT: same / first -> nothing; changed -> set aside
 *   if (!state.isDelivered(uidl)) ...fetch... // state OR our file present in new/ or cur/ (then recorded as recovered)
 *   const { delivered } = await batch.sync(); // durable in new/
 *   state.markDelivered(delivered); await state.flush();   // durable record — only now DELE / EXPUNGE
 *   state.markDeleted(uidls); await state.flush();         // POP3 after QUIT +OK (optional bookkeeping)
 *   await state.close();                      // flush + release the lock
 *
 * File: `<maildir>/.xoauth-mail/state-<accountHash>.json` (or opts.dir), mode 0600, rewritten atomically.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { makeDirs, nodeStoreFs, type StoreFs } from "./fsops.js";
import { GraphLedger } from "./graph-ledger.js";
import { acquireLock } from "./lock.js";
import { type Maildir, storeError } from "./maildir.js";
import { accountScope, keyHash, type MessageKey } from "./names.js";
import { PREVIOUS_KEPT, type PreviousImapState, type StateFile } from "./state-file.js";
import { type RecoveryReport, readStateFile, recoverMaildir, writeStateFile } from "./state-persist.js";
import { UidSet } from "./uidset.js";

export type { RecoveryReport } from "./state-persist.js";

export type AccountRef = Pick<MessageKey, "account" | "protocol" | "folder">;
/**
 * A delivered message: POP3 UIDL / IMAP UID / Graph immutable id, optionally with its fingerprint (IMAP, see
 * messageFingerprint) or, for Graph, `owed`: its server action (move, delete, mark read) is still to be done.
 */
export type DeliveredItem =
  | string
  | number
  | { id: string | number; fingerprint?: string | undefined; owed?: boolean | undefined };

export interface StateOptions {
  /** Maildir root; the state lives in `<maildir>/.xoauth-mail/` unless `dir` is given. */
  maildir?: string;
  dir?: string;
  fs?: StoreFs;
  /** Default true. Off only for read-only inspection. */
  lock?: boolean;
}

/** Fingerprint for dedupe across a UIDVALIDITY change: Message-ID (as sent, trimmed) + RFC822.SIZE. */
export function messageFingerprint(messageId: string | undefined, size: number): string | undefined {
  const id = messageId?.trim();
  if (!id) return undefined;
  return createHash("sha256").update(`${id}\0${size}`).digest("base64url").slice(0, 16);
}

/** Short hash of the account scope, used in the state file name. */
export function accountHash(account: AccountRef): string {
  return createHash("sha256")
    .update(JSON.stringify(accountScope(account)))
    .digest("hex")
    .slice(0, 16);
}

export class StateStore {
  private popDelivered = new Set<string>();
  private popDeleted = new Set<string>();
  private uidValidityValue: number | null = null;
  private uids = new UidSet();
  private highest = 0;
  private fingerprints = new Set<string>();
  private previous: PreviousImapState[] = [];
  private renumberingFrom: { from: number; to: number; known?: number | undefined } | undefined;
  private renumberedFingerprints: Set<string> | undefined;
  /** Graph: the ledger of delivered immutable ids, owed server actions and the delta link. */
  readonly graph = new GraphLedger();
  private dirty = false;
  private maildir: Maildir | undefined;
  private readonly loadedAt = Date.now();
  /** Ids found in new/ or cur/ but missing from the state (crash between "stored" and "recorded"). */
  readonly recovered: (string | number)[] = [];

  private constructor(
    readonly account: AccountRef,
    readonly path: string,
    private readonly fs: StoreFs,
    private release: (() => Promise<void>) | undefined,
  ) {}

  static async load(account: AccountRef, opts: StateOptions): Promise<StateStore> {
    const dir = opts.dir ?? (opts.maildir ? join(opts.maildir, ".xoauth-mail") : undefined);
    if (!dir) throw storeError("StateStore.load needs opts.maildir or opts.dir");
    await makeDirs(dir).catch((err: unknown) => {
      throw storeError(`Cannot create the state directory ${dir}`, err, { path: dir });
    });
    const path = join(dir, `state-${accountHash(account)}.json`);
    const release = opts.lock === false ? undefined : await acquireLock(`${path}.lock`);
    const store = new StateStore(account, path, opts.fs ?? nodeStoreFs, release);
    try {
      await store.read();
    } catch (err) {
      await release?.();
      throw err;
    }
    return store;
  }

  private async read(): Promise<void> {
    const file = await readStateFile(this.path);
    if (!file) return;
    if (file.pop3) {
      this.popDelivered = new Set(file.pop3.delivered);
      this.popDeleted = new Set(file.pop3.deleted);
    }
    if (file.imap) {
      this.uidValidityValue = file.imap.uidValidity;
      this.uids = UidSet.parse(file.imap.delivered);
      this.highest = file.imap.highestUid;
      this.fingerprints = new Set(file.imap.fingerprints);
      this.previous = file.imap.previous;
      this.renumberingFrom = file.imap.renumbering;
    }
    if (file.graph) Object.assign(this, { graph: GraphLedger.from(file.graph) });
  }

  private get isImap(): boolean {
    return this.account.protocol === "imap";
  }

  /** IMAP: the UIDVALIDITY the state belongs to (null before the first SELECT). */
  get uidValidity(): number | null {
    return this.uidValidityValue;
  }

  /** IMAP: highest delivered UID (fetch `UID FETCH <highestUid+1>:*` for new mail). */
  get highestUid(): number {
    return this.highest;
  }

  get deliveredCount(): number {
    if (this.account.protocol === "graph") return this.graph.size;
    return this.isImap ? this.uids.size : this.popDelivered.size;
  }

  /** UIDVALIDITY values whose state was set aside, oldest first. */
  get previousUidValidities(): number[] {
    return this.previous.map((p) => p.uidValidity);
  }

  /**
   * After SELECT: records the first value; returns "changed" (and sets the old state aside) when it differs.
   * The engine then dedupes by fingerprint (isKnownFingerprint) instead of refetching everything.
   */
  setUidValidity(value: number): "first" | "same" | "changed" {
    if (this.uidValidityValue === value) return "same";
    if (this.uidValidityValue === null) {
      this.uidValidityValue = value;
      this.dirty = true;
      return "first";
    }
    this.onUidValidityChange(value);
    return "changed";
  }

  /** Keeps the old {uidValidity, delivered, highestUid} aside (for audit / manual restore); fingerprints stay. */
  onUidValidityChange(newValue: number): void {
    if (this.uidValidityValue !== null) {
      this.previous.push({
        uidValidity: this.uidValidityValue,
        delivered: this.uids.toString(),
        highestUid: this.highest,
        setAsideAt: new Date().toISOString(),
      });
      this.previous = this.previous.slice(-PREVIOUS_KEPT);
    }
    if (this.uidValidityValue !== null) {
      this.renumberingFrom = { from: this.uidValidityValue, to: newValue, known: this.fingerprints.size };
      this.renumberedFingerprints = undefined;
    }
    this.uidValidityValue = newValue;
    this.uids = new UidSet();
    this.highest = 0;
    this.dirty = true;
  }

  /**
   * IMAP: a UIDVALIDITY change is being caught up with (persisted): messages are matched by fingerprint until a pass
   * has gone through the whole folder under the new value, also across a crash of the run that saw the change.
   */
  get renumbering(): boolean {
    return this.renumberingFrom !== undefined && this.renumberingFrom.to === this.uidValidityValue;
  }

  /**
   * While renumbering: was a message with this fingerprint delivered BEFORE the change? Fingerprints of messages
   * delivered since (under the new UIDVALIDITY) do not count: an identical copy arriving now is a new message.
   */
  isRenumberedFingerprint(fingerprint: string | undefined): boolean {
    if (!this.renumbering || fingerprint === undefined) return false;
    const r = this.renumberingFrom as { known?: number | undefined };
    this.renumberedFingerprints ??= new Set([...this.fingerprints].slice(0, r.known ?? this.fingerprints.size));
    return this.renumberedFingerprints.has(fingerprint);
  }

  /** The folder was fully gone through under the new UIDVALIDITY: new messages are plain new messages again. */
  finishRenumbering(): void {
    if (this.renumberingFrom === undefined) return;
    this.renumberingFrom = undefined;
    this.dirty = true;
  }

  /** Was this message delivered? The state, else (after recover()) our file in new/ or cur/ — then recorded. */
  isDelivered(id: string | number): boolean {
    if (this.account.protocol === "graph" ? this.graph.has(String(id)) : this.hasRecord(id)) return true;
    if (!this.maildir) return false;
    const key: MessageKey = { ...this.account, id, uidValidity: this.uidValidityValue ?? 0 };
    if (this.maildir.findDelivered(keyHash(key)) === undefined) return false;
    this.markDelivered([id]);
    this.recovered.push(id);
    return true;
  }

  private hasRecord(id: string | number): boolean {
    return this.isImap ? this.uids.has(Number(id)) : this.popDelivered.has(String(id));
  }

  /** IMAP: a message with this fingerprint was delivered before (under any UIDVALIDITY). */
  isKnownFingerprint(fingerprint: string | undefined): boolean {
    return fingerprint !== undefined && this.fingerprints.has(fingerprint);
  }

  /** Records delivered messages in memory; durable after flush(). Call only after DeliveryBatch.sync(). */
  markDelivered(items: Iterable<DeliveredItem>): void {
    for (const item of items) {
      const id = typeof item === "object" ? item.id : item;
      if (this.account.protocol === "graph") {
        this.graph.add(String(id), typeof item === "object" && item.owed === true);
      } else if (this.isImap) {
        const uid = Number(id);
        if (!Number.isSafeInteger(uid) || uid < 1) throw storeError(`Invalid IMAP UID ${String(id)}`);
        this.uids.add(uid);
        if (uid > this.highest) this.highest = uid;
        const fp = typeof item === "object" ? item.fingerprint : undefined;
        if (fp) this.fingerprints.add(fp);
      } else {
        this.popDelivered.add(String(id));
      }
      this.dirty = true;
    }
  }

  /** POP3: messages whose DELE was committed by QUIT +OK. */
  markDeleted(ids: Iterable<string>): void {
    for (const id of ids) {
      this.popDeleted.add(id);
      this.dirty = true;
    }
  }

  isDeleted(id: string): boolean {
    return this.popDeleted.has(id);
  }

  /**
   * POP3: forget UIDLs we deleted that the server no longer lists (keeps the state bounded with --delete).
   * Entries never deleted by us are kept: a message hidden from one listing must not be refetched later.
   */
  prune(listed: Iterable<string>): number {
    const present = new Set(listed);
    let n = 0;
    for (const id of this.popDeleted) {
      if (present.has(id)) continue;
      this.popDeleted.delete(id);
      this.popDelivered.delete(id);
      n++;
    }
    if (n > 0) this.dirty = true;
    return n;
  }

  /**
   * Crash recovery (see recoverMaildir): stale tmp/ files removed, new/ fsynced, and the Maildir index linked so
   * isDelivered() finds messages stored but not yet recorded.
   */
  async recover(maildir: Maildir): Promise<RecoveryReport> {
    const report = await recoverMaildir(maildir, this.loadedAt);
    this.maildir = maildir;
    return report;
  }

  /** The last flush in progress: flushes run one after the other (they share the one `.tmp` file). */
  private flushing: Promise<void> = Promise.resolve();

  /**
   * Writes the state atomically (tmp + fsync + rename + dir fsync) if anything changed. Concurrent calls (Graph
   * actions settling while a batch is recorded) are serialised: two writers of the same tmp file would rename it
   * away under each other (ENOENT).
   */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.writeIfDirty());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async writeIfDirty(): Promise<void> {
    if (!this.dirty) return;
    const file: StateFile = {
      format: "xoauth-mail-state",
      version: 1,
      account: this.account.account,
      protocol: this.account.protocol,
      folder: accountScope(this.account)[2] ?? "",
      updatedAt: new Date().toISOString(),
    };
    if (this.isImap) {
      file.imap = {
        uidValidity: this.uidValidityValue,
        delivered: this.uids.toString(),
        highestUid: this.highest,
        fingerprints: [...this.fingerprints],
        previous: this.previous,
        ...(this.renumberingFrom ? { renumbering: this.renumberingFrom } : {}),
      };
    } else if (this.account.protocol === "graph") {
      file.graph = this.graph.toFile();
    } else {
      file.pop3 = { delivered: [...this.popDelivered], deleted: [...this.popDeleted] };
    }
    await writeStateFile(this.path, file, this.fs);
    this.dirty = false;
  }

  /** Graph: the ledger changed outside markDelivered (owed actions settled, a round completed); flush() writes it. */
  touch(): void {
    this.dirty = true;
  }

  /** flush() and release the account lock. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      const release = this.release;
      this.release = undefined;
      await release?.();
    }
  }
}
