/**
 * One IMAP connection pass (RFC 3501): XOAUTH2 login (the token read overlapping the connect), SELECT (EXAMINE with
 * --keep) and UID SEARCH ALL pipelined, UIDVALIDITY check, then per group of up to 1000 UIDs ONE
 * `UID FETCH <set> (UID RFC822.SIZE ENVELOPE BODY.PEEK[])`: small bodies are handed over whole, a big one (above 1 MiB)
 * streams from the socket into tmp/ (src/imap/client.ts: bounded memory, socket backpressure), and one whose UID did
 * not come before it is dropped and fetched on its own (`UID FETCH <uid> BODY.PEEK[]`, streamed). While a UIDVALIDITY
 * change is caught up with, `UID FETCH <set> (UID RFC822.SIZE ENVELOPE)` comes first (a renumbered message is matched
 * by Message-ID + size, not downloaded). Per durability batch (overlapping the download): one durable sync, state
 * record, and only then `\Deleted` + UID EXPUNGE (RFC 4315 UIDPLUS) with --delete. LOGOUT is sent without waiting for
 * its answer (nothing is left to commit by then).
 */

import { ImapClient, type MessageMeta } from "../imap/client.js";
import { mapImapError } from "../imap/errors.js";
import { LIMITS } from "../limits.js";
import type { Delivery } from "../store/maildir.js";
import { deliveryName } from "../store/names.js";
import { messageFingerprint } from "../store/state.js";
import { uidSetString } from "../store/uidset.js";
import { BatchCommitter } from "./committer.js";
import { type BatchItem, connectedWithToken, type FetchContext, fetchError } from "./context.js";
import { secureRecovered } from "./recovery.js";

/** Messages up to this size are fetched in bulk and held whole in memory once; bigger ones stream to disk. */
const STREAM_THRESHOLD_BYTES = 1024 * 1024;
/**
 * UIDs per bulk FETCH. Durability batches (ctx.batchMessages) are cut inside a group, so the round trips of a run
 * do not grow with the message count below this (200 messages: EXAMINE + SEARCH, then one FETCH).
 */
const FETCH_GROUP = 1000;

interface Meta {
  uid: number;
  size: number;
  fingerprint: string | undefined;
}

export async function imapPass(ctx: FetchContext, attempt: number): Promise<void> {
  const { opts, state } = ctx;
  const folder = opts.folder ?? "INBOX";
  // The token (cache read, or a request) and the TCP + TLS connect overlap: the token is needed only at AUTHENTICATE.
  const tokenP = opts.tokenProvider.getToken(ctx.forceTokenRefresh ? { forceRefresh: true } : undefined);
  tokenP.then((t) => (ctx.lastToken = t.token)).catch(() => {});
  ctx.forceTokenRefresh = false;
  const t = opts.timeouts ?? {};
  const ca = opts.server.ca;
  const connecting = ImapClient.connect({
    host: opts.server.host,
    port: opts.server.port,
    tls: opts.server.tls,
    user: opts.account,
    token: async () => (await tokenP).token,
    ...(ca ? { ca: Array.isArray(ca) ? ca : [ca] } : {}),
    ...(opts.server.servername ? { servername: opts.server.servername } : {}),
    timeouts: {
      ...(t.connectMs ? { connectMs: t.connectMs } : {}),
      ...(t.greetingMs ? { greetingMs: t.greetingMs } : {}),
      ...(t.commandMs ? { commandMs: t.commandMs } : {}),
      ...((t.dataIdleMs ?? t.commandMs) ? { dataIdleMs: t.dataIdleMs ?? t.commandMs } : {}),
    },
  });
  const c = await connectedWithToken(connecting, tokenP);
  const run = async <T>(command: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw mapImapError(err, { host: opts.server.host, port: opts.server.port, user: opts.account, command });
    }
  };
  try {
    ctx.emit({ type: "connected", attempt });
    // Without UID EXPUNGE the messages we delete stay, flagged: leave every \Deleted message out of the plan.
    const criteria = c.hasUidExpunge ? "ALL" : "UNDELETED";
    const mb = await run(`SELECT ${folder}`, () => c.selectAndSearch(folder, !opts.delete, criteria));
    const uidValidity = Number(mb.uidValidity);
    const previous = state.uidValidity;
    if (state.setUidValidity(uidValidity) === "changed" && previous !== null) {
      ctx.emit({ type: "uidvalidity", previous, current: uidValidity });
    }
    await state.flush();
    await ctx.settleOwedHooks();
    const all = mb.uids;
    const todo: number[] = [];
    const done: number[] = [];
    const recoveredBefore = state.recovered.length;
    for (const uid of all) (state.isDelivered(uid) ? done : todo).push(uid);
    // Found by file name only (e.g. a batch of an earlier pass whose commit failed): durable before any EXPUNGE.
    await secureRecovered(ctx, recoveredBefore);
    if (attempt === 0) ctx.counters.skipped = done.length;
    if (opts.delete)
      await expunge(
        ctx,
        c,
        done.filter((u) => ctx.mayDelete(u)),
        run,
      );
    const planned = todo.sort((a, b) => a - b).slice(0, Math.min(todo.length, ctx.remaining));
    ctx.emit({ type: "plan", messages: planned.length, bytes: 0, skipped: done.length });

    // The folder's numbering: UID SEARCH answered every message EXAMINE counted, so message n is the n-th smallest
    // UID. Valid for the first FETCH only (an EXPUNGE of ours or another client's may come after it).
    const bySeq = all.length === mb.exists ? [...all].sort((a, b) => a - b) : undefined;
    for (let i = 0; i < planned.length && !ctx.aborted && !ctx.blocked; ) {
      const group = planned.slice(i, i + FETCH_GROUP);
      const uidOfSeq = i === 0 && bySeq ? (seq: number) => bySeq[seq - 1] : undefined;
      i += group.length;
      // While a UIDVALIDITY change is caught up with, each Message-ID + size is needed before its body (a renumbered
      // message is not downloaded again): metadata first. Otherwise it comes with the bodies, one round trip less.
      const plan = state.renumbering ? { metas: await fetchMeta(c, group, run) } : { uids: group, uidOfSeq };
      await deliverGroup(ctx, c, uidValidity, folder, plan, run);
    }
    if (ctx.blocked) throw ctx.blocked;
    // Every message of the folder is now delivered or matched under the new UIDVALIDITY (and recorded): one that
    // was planned but not answered (or cut by --limit, or a stop) keeps matching on for the next run.
    if (state.renumbering && !ctx.aborted && todo.every((uid) => state.isDelivered(uid))) {
      state.finishRenumbering();
      await state.flush();
    }
    c.logoutNow();
  } finally {
    c.close();
  }
}

type Run = <T>(command: string, fn: () => Promise<T>) => Promise<T>;

async function fetchMeta(c: ImapClient, uids: number[], run: Run): Promise<Meta[]> {
  const rows = await run("UID FETCH (RFC822.SIZE ENVELOPE)", () => c.fetchMeta(uidSetString(uids)));
  // Only the UIDs asked for, each once: a server may answer more (or twice); the plan must not grow from that.
  const wanted = new Set(uids);
  const out = new Map<number, Meta>();
  for (const r of rows) {
    if (!wanted.has(r.uid) || out.has(r.uid)) continue;
    out.set(r.uid, toMeta(r));
  }
  return [...out.values()].sort((a, b) => a.uid - b.uid);
}

/** A group's plan: its metadata known (fetched first), or only its UIDs (the metadata comes with each body). */
type GroupPlan = { metas: Meta[] } | { uids: number[]; uidOfSeq: ((seq: number) => number | undefined) | undefined };

function toMeta(m: MessageMeta): Meta {
  return { uid: m.uid, size: m.size, fingerprint: messageFingerprint(m.messageId || undefined, m.size) };
}

/**
 * A body answered without RFC822.SIZE (RFC 3501 lets a server split one message's items over several responses):
 * delivered all the same, without the fingerprint that only a later UIDVALIDITY change uses.
 */
function noMeta(uid: number): Meta {
  return { uid, size: 0, fingerprint: undefined };
}

async function deliverGroup(
  ctx: FetchContext,
  c: ImapClient,
  uidValidity: number,
  folder: string,
  plan: GroupPlan,
  run: Run,
): Promise<void> {
  const { opts, md, state } = ctx;
  const threshold = opts.streamThresholdBytes ?? STREAM_THRESHOLD_BYTES;
  // Each durability batch is committed (then expunged with --delete) while the download goes on.
  const committer = new BatchCommitter(ctx, async (uids) => {
    if (opts.delete) await expunge(ctx, c, uids, run);
  });
  /** Metadata known before the download (the two-step plan). */
  const known = new Map<number, Meta>();
  /** UIDs of the bulk FETCH not delivered yet: each is delivered once, whatever the server repeats. */
  const pending = new Set<number>();
  /** Big messages, each fetched on its own with its body streamed to tmp/. */
  const alone: Meta[] = [];
  if ("metas" in plan) {
    // Only while a UIDVALIDITY change is being caught up with (persisted in the state, so a crashed or --limit-ed
    // run does not end it): afterwards a known Message-ID + size is a new copy (a resend), not a renumbered message.
    for (const m of plan.metas) {
      if (state.renumbering && state.isRenumberedFingerprint(m.fingerprint)) {
        // Same Message-ID + size as a message delivered under an earlier UIDVALIDITY: the same message, renumbered.
        state.markDelivered([{ id: m.uid, fingerprint: m.fingerprint }]);
        ctx.counters.skipped++;
      } else if (m.size > threshold) alone.push(m);
      else {
        known.set(m.uid, m);
        pending.add(m.uid);
      }
    }
  } else for (const uid of plan.uids) pending.add(uid);
  const key = (uid: number) => ({ account: opts.account, protocol: "imap" as const, folder, uidValidity, id: uid });
  const item = (m: Meta, name: string, bytes: number): BatchItem => ({
    id: m.uid,
    record: { id: m.uid, fingerprint: m.fingerprint },
    ref: m.uid,
    name,
    bytes,
  });
  let failure: unknown;
  try {
    if (pending.size > 0) {
      // A body bigger than the threshold (one RFC822.SIZE underestimated, or any with the metadata along) streams
      // to tmp/.
      const streaming = new Map<number, Delivery>();
      const streamTo = (uid: number) => {
        if (!pending.has(uid) || streaming.has(uid)) return undefined;
        const d = md.delivery(deliveryName(key(uid)));
        streaming.set(uid, d);
        return d.writable;
      };
      const withMeta =
        "uids" in plan
          ? {
              skipped: (uid: number, meta: MessageMeta | undefined) => {
                // A big body that came before its UID was dropped (or streamed into another UID's file, which is
                // aborted below): fetched on its own below, if still wanted.
                if (pending.delete(uid)) alone.push(meta?.uid === uid ? toMeta(meta) : noMeta(uid));
              },
              ...(plan.uidOfSeq ? { uidOfSeq: plan.uidOfSeq } : {}),
            }
          : undefined;
      try {
        await run("UID FETCH BODY.PEEK[]", () =>
          c.fetchBodies(
            uidSetString([...pending]),
            async (uid, source, fetched) => {
              let streamed = streaming.get(uid);
              streaming.delete(uid);
              if (source && streamed) {
                // A file opened for this UID by a wrong sequence-number guess holds another message: never this one's.
                await streamed.abort();
                streamed = undefined;
              }
              // After a stop request or a failed commit the rest of this answer is read but not delivered.
              if (!pending.has(uid) || ctx.aborted || committer.failed) return streamed?.abort();
              const m = known.get(uid) ?? (fetched?.uid === uid ? toMeta(fetched) : noMeta(uid));
              pending.delete(uid);
              const name = deliveryName(key(m.uid));
              if (!source && !streamed)
                throw fetchError("PROTOCOL_ERROR", `UID ${uid}: a streamed body without its file.`);
              const d = streamed ?? md.delivery(name);
              try {
                if (source) await d.write(source);
                else await d.flush();
              } catch (err) {
                await d.abort();
                throw err;
              }
              committer.add(d, item(m, name, d.bytes));
            },
            { above: Math.min(threshold, LIMITS.maxImapLiteralBytes), to: streamTo },
            withMeta,
          ),
        );
      } finally {
        for (const d of streaming.values()) await d.abort(); // streams cut off by a failure
      }
    }
    for (const m of alone) {
      if (ctx.aborted || committer.failed) break;
      const name = deliveryName(key(m.uid));
      const d = md.delivery(name);
      try {
        await run(`UID FETCH ${m.uid} BODY.PEEK[]`, () => c.fetchBodyStream(m.uid, d.writable));
        await d.flush();
      } catch (err) {
        await d.abort();
        throw err;
      }
      committer.add(d, item(m, name, d.bytes));
    }
  } catch (err) {
    failure = err;
  }
  await committer.finish();
  if (failure !== undefined) throw failure;
}

/** Runs already warned that the server lacks UIDPLUS. */
const warnedNoUidplus = new WeakSet<FetchContext>();

async function expunge(ctx: FetchContext, c: ImapClient, uids: number[], run: Run): Promise<void> {
  if (uids.length === 0) return;
  if (!c.hasUidExpunge) {
    // A plain EXPUNGE would remove EVERY \Deleted message of the folder, also ones flagged by another client and
    // never delivered here: flag ours only, never expunge.
    await run("UID STORE +FLAGS (\\Deleted)", () => c.storeDeleted(uidSetString(uids)));
    if (!warnedNoUidplus.has(ctx)) {
      warnedNoUidplus.add(ctx);
      ctx.emit({ type: "warning", message: "server lacks UIDPLUS: messages were flagged \\Deleted but not expunged" });
    }
    return;
  }
  const set = uidSetString(uids);
  await run("UID STORE +FLAGS (\\Deleted)", () => c.storeDeleted(set));
  await run("UID EXPUNGE", () => c.uidExpunge(set));
  ctx.counters.deleted += uids.length;
  ctx.emit({ type: "deleted", count: uids.length });
}
