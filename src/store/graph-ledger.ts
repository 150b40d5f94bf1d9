/**
 * The Graph half of the per-account state (docs/exactly-once.md, "Microsoft Graph"): the LEDGER of delivered
 * immutable message ids is what guarantees exactly-once; the delta link is only a shortcut that saves listing the
 * whole folder, taken after the messages of its round are durable and recorded. `owed` holds delivered messages whose
 * server action (move, delete, mark read) has not been confirmed: a later pass retries it, it never downloads again.
 */
import type { StateFile } from "./state-file.js";

export type GraphStateFile = NonNullable<StateFile["graph"]>;

export class GraphLedger {
  private delivered = new Set<string>();
  private owedIds = new Set<string>();
  /** Ids the server reported as gone from the folder in the round under way (forgotten when the round is kept). */
  private removedInRound = new Set<string>();
  folderId: string | undefined;
  deltaLink: string | undefined;

  static from(file: GraphStateFile | undefined): GraphLedger {
    const l = new GraphLedger();
    if (!file) return l;
    l.delivered = new Set(file.delivered);
    l.owedIds = new Set(file.owed.filter((id) => l.delivered.has(id)));
    l.folderId = file.folderId;
    l.deltaLink = file.deltaLink;
    return l;
  }

  toFile(): GraphStateFile {
    return {
      ...(this.folderId !== undefined ? { folderId: this.folderId } : {}),
      ...(this.deltaLink !== undefined ? { deltaLink: this.deltaLink } : {}),
      delivered: [...this.delivered],
      owed: [...this.owedIds],
    };
  }

  get size(): number {
    return this.delivered.size;
  }

  has(id: string): boolean {
    return this.delivered.has(id);
  }

  /** Records a delivered message; `owed`: its server action is still to be done. */
  add(id: string, owed: boolean): void {
    this.delivered.add(id);
    if (owed) this.owedIds.add(id);
  }

  /** Delivered messages whose server action is still owed, oldest first. */
  get owed(): string[] {
    return [...this.owedIds];
  }

  isOwed(id: string): boolean {
    return this.owedIds.has(id);
  }

  /** The server action of these messages is done (or no longer possible: the message is gone). */
  settle(ids: Iterable<string>): boolean {
    let changed = false;
    for (const id of ids) changed = this.owedIds.delete(id) || changed;
    return changed;
  }

  /** An `@removed` entry of the round under way. */
  noteRemoved(id: string): void {
    if (this.delivered.has(id)) this.removedInRound.add(id);
  }

  /**
   * The round is complete and recorded with `deltaLink`: messages that left the folder are forgotten (their owed
   * action too: the message is not where the action expects it any more), so the ledger stays as big as the folder.
   * Done only here, not at the `@removed` entry: a page replayed within the round may still list them.
   */
  completeRound(folderId: string, deltaLink: string): void {
    for (const id of this.removedInRound) {
      this.delivered.delete(id);
      this.owedIds.delete(id);
    }
    this.removedInRound.clear();
    this.folderId = folderId;
    this.deltaLink = deltaLink;
  }

  /** A round starts (again): removals seen by an abandoned round do not count. */
  startRound(): void {
    this.removedInRound.clear();
  }
}
