/**
 * One Microsoft Graph pass of `fetch --protocol graph` (docs/exactly-once.md, "Microsoft Graph"): resolve the folder
 * (and the --move-to folder: FOLDER_NOT_FOUND before any download), retry server actions owed from before, then one
 * delta round of the folder (`/mailFolders/{id}/messages/delta`, immutable ids): every listed message the ledger does
 * not know is streamed from `$value` into tmp/, up to maxConcurrency downloads in flight and committed in listing
 * order through the same durability batches as POP3/IMAP; only after a batch is durable and recorded come the server
 * actions. The round's delta link is kept only when every message it listed is delivered; an expired one (410,
 * SYNC_STATE_EXPIRED) means a full round again, where the ledger skips everything delivered.
 */
import { pipeline } from "node:stream/promises";
import { toXoauthError } from "../errors.js";
import type { GraphClient, GraphClientOptions, GraphFolder, GraphMessageRef } from "../graph/types.js";
import { GRAPH_LIMITS } from "../graph/types.js";
import type { Delivery } from "../store/maildir.js";
import { deliveryName, graphFolderKey } from "../store/names.js";
import { BatchCommitter } from "./committer.js";
import { type FetchContext, fetchError } from "./context.js";
import { type GraphActions, hasAction, isGone, resolveActions, runActions, settleOwed } from "./graph-actions.js";
import { secureRecovered } from "./recovery.js";

/** Full rounds started again in one pass after SYNC_STATE_EXPIRED (each one makes progress or the pass fails). */
const MAX_RESTARTS = 3;

export async function graphPass(ctx: FetchContext, attempt: number): Promise<void> {
  const { opts } = ctx;
  const g = opts.graph;
  if (!g) throw fetchError("USAGE", "fetch --protocol graph needs the Graph URL (FetchOptions.graph).");
  // The token first: a token failure is reported as such (and its claims fill the fixes of later errors).
  const token = await opts.tokenProvider.getToken(ctx.forceTokenRefresh ? { forceRefresh: true } : undefined);
  ctx.forceTokenRefresh = false;
  ctx.lastToken = token.token;
  const clientOpts: GraphClientOptions = {
    baseUrl: g.baseUrl,
    mailbox: opts.account,
    tokenProvider: opts.tokenProvider,
    ...(g.ca ? { ca: g.ca } : {}),
    ...(g.proxy ? { proxy: g.proxy } : {}),
    ...(g.noProxy ? { noProxy: g.noProxy } : {}),
    ...(g.maxConcurrency ? { maxConcurrency: g.maxConcurrency } : {}),
    ...(opts.timeouts?.dataIdleMs || opts.timeouts?.commandMs
      ? { timeoutMs: opts.timeouts.dataIdleMs ?? opts.timeouts.commandMs }
      : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  const client = (g.createClient ?? (await loadClient()))(clientOpts);
  try {
    const folder = await client.resolveFolder(opts.folder ?? "inbox");
    const actions = await resolveActions(ctx, client);
    if (actions.moveTo?.id === folder.id) {
      throw fetchError("USAGE", `--move-to "${opts.moveTo}" is the folder being fetched; name another folder.`);
    }
    ctx.emit({ type: "connected", attempt });
    await ctx.settleOwedHooks();
    await settleOwed(ctx, client, actions);
    const window = g.maxConcurrency ?? GRAPH_LIMITS.maxConcurrency;
    for (let restarts = 0; ; restarts++) {
      const fromLink = ctx.state.graph.folderId === folder.id ? ctx.state.graph.deltaLink : undefined;
      try {
        const skipped = await deliverRound(ctx, client, folder, actions, fromLink, window);
        if (attempt === 0 || skipped > ctx.counters.skipped) ctx.counters.skipped = skipped;
        break;
      } catch (err) {
        const e = toXoauthError(err);
        if (e.code !== "SYNC_STATE_EXPIRED" || restarts >= MAX_RESTARTS || ctx.aborted) throw e;
        // The delta link (or a next link of the round) is too old: list the whole folder again. Nothing is
        // delivered twice: the ledger knows every delivered id.
        ctx.state.graph.deltaLink = undefined;
        ctx.state.touch();
        await ctx.state.flush();
        ctx.emit({ type: "warning", message: "Graph sync state expired (410): listing the whole folder again" });
      }
    }
    // Owed by messages this pass found by file name only (delivered, never recorded, so never acted upon).
    if (!ctx.aborted) await settleOwed(ctx, client, actions);
    if (ctx.blocked) throw ctx.blocked;
  } finally {
    client.close();
  }
}

async function loadClient(): Promise<(o: GraphClientOptions) => GraphClient> {
  // Loaded on use: POP3 and IMAP runs never load the HTTP client (memory budget of fetch).
  return (await import("../graph/client.js")).createGraphClient;
}

interface InFlight {
  m: GraphMessageRef;
  name: string;
  /** The delivery with the whole MIME written; undefined when the message vanished before its download. */
  done: Promise<Delivery | undefined>;
}

/**
 * One delta round from `fromLink` (undefined: the whole folder); keeps its delta link when all of it is delivered.
 * Returns how many listed messages were delivered before.
 */
async function deliverRound(
  ctx: FetchContext,
  client: GraphClient,
  folder: GraphFolder,
  actions: GraphActions,
  fromLink: string | undefined,
  window: number,
): Promise<number> {
  const { opts, state } = ctx;
  const ledger = state.graph;
  ledger.startRound();
  const owe = hasAction(actions);
  const ids: string[] = [];
  const committer = new BatchCommitter(ctx, async (refs) => {
    const todo = refs.map((r) => ids[r] as string);
    if (!ctx.blocked) await runActions(ctx, client, actions, todo, false);
  });
  const key = (id: string) => ({
    account: opts.account,
    protocol: "graph" as const,
    folder: graphFolderKey(opts.folder),
    id,
  });
  const started = new Set<string>();
  const inFlight: InFlight[] = [];
  let budget = ctx.remaining;
  let skipped = 0;
  let complete = true;
  let deltaLink: string | undefined;
  let failure: unknown;
  const stop = () => ctx.aborted || ctx.blocked !== undefined || committer.failed;
  const takeHead = async () => {
    const head = inFlight.shift() as InFlight;
    const d = await head.done;
    if (!d) return;
    const ref = ids.push(head.m.id) - 1;
    committer.add(d, { id: head.m.id, record: { id: head.m.id, owed: owe }, ref, name: head.name, bytes: d.bytes });
  };
  try {
    let link = fromLink;
    do {
      const page = await client.deltaPage(folder.id, link);
      for (const id of page.removed) ledger.noteRemoved(id);
      const recoveredBefore = state.recovered.length;
      let planned = 0;
      for (const m of page.messages) {
        // A page replayed within the round, or a message listed twice: started once.
        if (started.has(m.id)) continue;
        const recovered = state.recovered.length;
        if (state.isDelivered(m.id)) {
          // Found by its file only (delivered, never recorded): its server action is owed from this very step on,
          // so that no flush before the end of the page (a batch, a failure, the run's end) records it as settled.
          if (owe && state.recovered.length > recovered) ledger.add(m.id, true);
          skipped++;
          continue;
        }
        if (budget <= 0 || stop()) {
          complete = false;
          continue;
        }
        budget--;
        started.add(m.id);
        planned++;
        const name = deliveryName(key(m.id));
        const done = download(client, ctx, name, m.id);
        done.catch(() => undefined); // observed by takeHead, or aborted below
        inFlight.push({ m, name, done });
        while (inFlight.length >= window) await takeHead();
      }
      // Messages found by their file only (owed already, above) are made durable and recorded before going on.
      await secureRecovered(ctx, recoveredBefore);
      if (planned > 0) ctx.emit({ type: "plan", messages: inFlight.length + planned, bytes: 0, skipped: 0 });
      link = page.nextLink;
      deltaLink = page.deltaLink;
    } while (link !== undefined && !stop());
    while (inFlight.length > 0 && !stop()) await takeHead();
  } catch (err) {
    failure = err;
  }
  // Downloads cut off by a failure or a stop: their tmp files go, they are fetched again later.
  for (const f of inFlight.splice(0)) {
    complete = false;
    await f.done.then(
      (d) => d?.abort(),
      () => undefined,
    );
  }
  await committer.finish();
  if (failure !== undefined) throw failure;
  if (!complete || stop() || deltaLink === undefined) return skipped;
  ledger.completeRound(folder.id, deltaLink);
  state.touch();
  await state.flush();
  return skipped;
}

/** Streams one message's MIME into tmp/<name>; undefined when the message no longer exists (404). */
async function download(
  client: GraphClient,
  ctx: FetchContext,
  name: string,
  id: string,
): Promise<Delivery | undefined> {
  const d = ctx.md.delivery(name);
  try {
    const { stream } = await client.openMime(id);
    await pipeline(stream, d.writable);
    return d;
  } catch (err) {
    await d.abort();
    if (isGone(err)) {
      ctx.emit({ type: "warning", message: `message ${id} was deleted before its download; skipped` });
      return undefined;
    }
    throw err;
  }
}
