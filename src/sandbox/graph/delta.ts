/**
 * Delta query for messages of one folder (https://learn.microsoft.com/en-us/graph/delta-query-messages): a round
 * starts with a full listing (no token) or the changes since a delta link (new or changed messages, and
 * `@removed` for those that left the folder), is paged with `@odata.nextLink` (`$skiptoken`) and ends with an
 * `@odata.deltaLink` (`$deltatoken`). Sync states are bounded and can be expired (410 SyncStateNotFound) or replayed
 * (a delta link answering with items already seen), as on Exchange Online
 * (https://github.com/microsoftgraph/microsoft-graph-docs/issues/2350).
 */
import { newToken } from "./ids.js";
import type { MessageMeta } from "./store.js";

/** What a client was told about one message: its id at that time and its change signature. */
interface Seen {
  id: string;
  sig: string;
}

export interface SyncState {
  token: string;
  key: string;
  snapshot: Map<string, Seen>;
  parent?: SyncState;
  select?: string[];
  generation: number;
}

export type DeltaItem = { kind: "message"; meta: MessageMeta } | { kind: "removed"; immutableId: string; id: string };

interface Round {
  key: string;
  items: DeltaItem[];
  pos: number;
  final: SyncState;
  select?: string[];
}

/** Default page size of a messages delta page without `Prefer: odata.maxpagesize` (UNCONFIRMED: Graph's default). */
export const DEFAULT_DELTA_PAGE = 10;
const MAX_PAGE = 1000;
const MAX_STATES_PER_FOLDER = 50;
const MAX_ROUNDS = 1000;

export function signature(m: MessageMeta): string {
  return `${[...m.msg.flags].sort().join(" ")}|${m.changeKey}`;
}

export class DeltaEngine {
  private readonly states = new Map<string, SyncState>();
  private readonly rounds = new Map<string, Round>();
  private generation = 1;
  /** The next N delta-link requests answer from the state before (items already delivered come again). */
  replayTimes = 0;

  /** Forgets every sync state and round in progress: their links answer 410. Returns how many were dropped. */
  expireAll(): number {
    const n = this.states.size + this.rounds.size;
    this.states.clear();
    this.rounds.clear();
    return n;
  }

  /** Forgets one delta link's (or next link's) state: it answers 410. */
  expire(token: string): boolean {
    return this.states.delete(token) || this.rounds.delete(token);
  }

  state(token: string): SyncState | undefined {
    return this.states.get(token);
  }

  /** Starts a round: `since` undefined = full listing. Returns the round's token for `page`. */
  start(key: string, current: MessageMeta[], since: SyncState | undefined, select?: string[]): string {
    let base = since;
    if (since && this.replayTimes > 0) {
      this.replayTimes--;
      base = since.parent;
    }
    const items: DeltaItem[] = [];
    const snapshot = new Map<string, Seen>();
    for (const m of current) {
      const seen = { id: m.id, sig: signature(m) };
      snapshot.set(m.immutableId, seen);
      if (base?.snapshot.get(m.immutableId)?.sig !== seen.sig) items.push({ kind: "message", meta: m });
    }
    for (const [immutableId, s] of base?.snapshot ?? [])
      if (!snapshot.has(immutableId)) items.push({ kind: "removed", immutableId, id: s.id });
    const sel = select ?? since?.select;
    const final: SyncState = {
      token: newToken(),
      key,
      snapshot,
      ...(since ? { parent: since } : {}),
      ...(sel ? { select: sel } : {}),
      generation: this.generation++,
    };
    const token = newToken();
    if (this.rounds.size >= MAX_ROUNDS) this.rounds.delete(this.rounds.keys().next().value as string);
    this.rounds.set(token, { key, items, pos: 0, final, ...(sel ? { select: sel } : {}) });
    return token;
  }

  /** One page of a round; `next` to follow, or `delta` when the round is complete. */
  page(
    roundToken: string,
    pageSize = DEFAULT_DELTA_PAGE,
  ): { items: DeltaItem[]; select?: string[]; next?: string; delta?: string } | undefined {
    const r = this.rounds.get(roundToken);
    if (!r) return undefined;
    this.rounds.delete(roundToken);
    const size = Math.max(1, Math.min(pageSize, MAX_PAGE));
    const items = r.items.slice(r.pos, r.pos + size);
    r.pos += items.length;
    const select = r.select ? { select: r.select } : {};
    if (r.pos < r.items.length) {
      const next = newToken();
      this.rounds.set(next, r);
      return { items, ...select, next };
    }
    this.keep(r.final);
    return { items, ...select, delta: r.final.token };
  }

  /** The generation numbers for a 410's message. */
  generations(): { generation: string; highest: string } {
    return { generation: String(this.generation + 7), highest: String(this.generation - 1) };
  }

  private keep(s: SyncState): void {
    this.states.set(s.token, s);
    const mine = [...this.states.values()].filter((x) => x.key === s.key);
    for (const old of mine.slice(0, Math.max(0, mine.length - MAX_STATES_PER_FOLDER))) this.states.delete(old.token);
    // a kept state's parent chain is only needed one level deep (replays)
    if (s.parent?.parent) delete s.parent.parent;
  }
}
