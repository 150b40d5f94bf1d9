/**
 * What `fetch --protocol graph` does on the server with a message once it is durable in the Maildir and recorded in
 * the ledger (docs/exactly-once.md, "Microsoft Graph"): nothing (--keep), mark it read (--mark-read), then move it
 * (--move-to FOLDER) or delete it (--delete: DELETE puts it into Deleted Items). A message whose action was cut off
 * (crash, network) stays `owed` in the state and the next pass retries the action, never the download.
 */
import { toXoauthError } from "../errors.js";
import type { GraphClient, GraphFolder } from "../graph/types.js";
import type { FetchContext } from "./context.js";

/** The server actions of this run, with their folders resolved once (FOLDER_NOT_FOUND before any download). */
export interface GraphActions {
  markRead: boolean;
  /** Where the message goes: the --move-to folder, or (--delete) nowhere: DELETE. */
  moveTo: GraphFolder | undefined;
  delete: boolean;
  /** Deleted Items, resolved when a retried --delete needs it. */
  deletedItems?: GraphFolder;
}

export async function resolveActions(ctx: FetchContext, client: GraphClient): Promise<GraphActions> {
  const { opts } = ctx;
  return {
    markRead: opts.markRead === true,
    moveTo: opts.moveTo !== undefined ? await client.resolveFolder(opts.moveTo) : undefined,
    delete: opts.delete,
  };
}

export function hasAction(a: GraphActions): boolean {
  return a.markRead || a.moveTo !== undefined || a.delete;
}

/** Requests of one action chunk issued together (the client keeps at most GRAPH_LIMITS.maxConcurrency in flight). */
const CHUNK = 64;

/**
 * Does the action for `ids` (all recorded as delivered and owed), then records them as settled, durably.
 * `retry`: the action may have been done already (a crash after the request): a DELETE then becomes a move to
 * Deleted Items, which is idempotent (a second DELETE would remove the message from Deleted Items for good).
 */
export async function runActions(
  ctx: FetchContext,
  client: GraphClient,
  actions: GraphActions,
  ids: string[],
  retry: boolean,
): Promise<void> {
  if (!hasAction(actions) || ids.length === 0) return;
  if (retry && actions.delete && !actions.deletedItems) {
    actions.deletedItems = await client.resolveFolder("deleteditems");
  }
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const results = await Promise.allSettled(chunk.map((id) => act(client, actions, id, retry)));
    const done: string[] = [];
    let removed = 0;
    let failure: unknown;
    results.forEach((r, k) => {
      if (r.status === "fulfilled") {
        done.push(chunk[k] as string);
        if (r.value) removed++;
      } else failure ??= r.reason;
    });
    if (ctx.state.graph.settle(done)) {
      ctx.state.touch();
      await ctx.state.flush();
    }
    if (removed > 0) {
      ctx.counters.deleted += removed;
      ctx.emit({ type: "deleted", count: removed });
    }
    if (failure !== undefined) throw failure;
  }
}

/** One message's action; resolves true when it left the folder (moved or deleted). */
async function act(client: GraphClient, a: GraphActions, id: string, retry: boolean): Promise<boolean> {
  try {
    if (a.markRead) await client.markRead(id);
    if (a.moveTo) await client.move(id, a.moveTo.id);
    else if (a.delete && retry && a.deletedItems) await client.move(id, a.deletedItems.id);
    else if (a.delete) await client.delete(id);
    return a.moveTo !== undefined || a.delete;
  } catch (err) {
    // 404: the message does not exist any more (deleted for good meanwhile): nothing left to do for it.
    if (isGone(err)) return false;
    throw err;
  }
}

/** A 404 about the message itself (ErrorItemNotFound): the folders were resolved before, so it is the message. */
export function isGone(err: unknown): boolean {
  const e = toXoauthError(err);
  return e.details.httpStatus === 404 && (e.code === "FOLDER_NOT_FOUND" || e.code === "GRAPH_ERROR");
}

/** Retries the actions still owed from an earlier pass or run (their files are durable, their hooks done). */
export async function settleOwed(ctx: FetchContext, client: GraphClient, actions: GraphActions): Promise<void> {
  if (!hasAction(actions) || ctx.blocked) return;
  const owed = ctx.state.graph.owed.filter((id) => !ctx.hooks.isPending(id));
  await runActions(ctx, client, actions, owed, true);
}
