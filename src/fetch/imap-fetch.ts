/**
 * One IMAP connection pass (RFC 3501): XOAUTH2 login, SELECT (EXAMINE with --keep), UIDVALIDITY check, UID SEARCH ALL,
 * then per group of up to 1000 UIDs: UID FETCH of RFC822.SIZE + ENVELOPE, small messages in ONE `UID FETCH <set>
 * BODY.PEEK[]`, big ones streamed with partial FETCHes (imapflow download(): bounded memory); per durability batch
 * (overlapping the download): one durable sync, state record, and only then `\Deleted` + UID EXPUNGE (RFC 4315
 * UIDPLUS) with --delete.
 */

import { pipeline } from "node:stream/promises";
import type { ImapFlow } from "imapflow";
import { mapImapError } from "../imap/errors.js";
import { connectImap } from "../imap/session.js";
import type { ImapSession } from "../imap/types.js";
import { deliveryName } from "../store/names.js";
import { messageFingerprint } from "../store/state.js";
import { BatchCommitter } from "./committer.js";
import { type BatchItem, type FetchContext, fetchError } from "./context.js";
import { secureRecovered } from "./engine.js";
import { uidSetString } from "./uid-set.js";

/** Partial FETCH size for streamed messages: bounds memory at a few of these. */
const CHUNK_BYTES = 1024 * 1024;
/**
 * UIDs per metadata FETCH + bulk body FETCH. Durability batches (ctx.batchMessages) are cut inside a group, so
 * the round trips of a run do not grow with the message count below this (200 messages: SEARCH + 2 FETCHes).
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
  const token = await opts.tokenProvider.getToken();
  const t = opts.timeouts ?? {};
  const session: ImapSession = await connectImap({
    host: opts.server.host,
    port: opts.server.port,
    tls: opts.server.tls,
    user: opts.account,
    token: token.token,
    ...(opts.server.ca ? { ca: opts.server.ca } : {}),
    ...(opts.server.servername ? { servername: opts.server.servername } : {}),
    timeouts: {
      ...(t.connectMs ? { connectMs: t.connectMs } : {}),
      ...(t.greetingMs ? { greetingMs: t.greetingMs } : {}),
      ...((t.dataIdleMs ?? t.commandMs) ? { commandMs: t.dataIdleMs ?? t.commandMs } : {}),
    },
  });
  const c = session.client;
  const run = async <T>(command: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw mapImapError(err, { host: opts.server.host, port: opts.server.port, user: opts.account, command });
    }
  };
  try {
    ctx.emit({ type: "connected", attempt });
    const mb = await run(`SELECT ${folder}`, () => c.mailboxOpen(folder, { readOnly: !opts.delete }));
    const uidValidity = Number(mb.uidValidity);
    const previous = state.uidValidity;
    if (state.setUidValidity(uidValidity) === "changed" && previous !== null) {
      ctx.emit({ type: "uidvalidity", previous, current: uidValidity });
      renumbered.add(ctx);
    }
    await state.flush();
    await ctx.settleOwedHooks();
    // Without UID EXPUNGE the messages we delete stay, flagged: leave every \Deleted message out of the plan.
    const all = hasUidExpunge(c)
      ? (await run("UID SEARCH ALL", () => c.search({ all: true }, { uid: true }))) || []
      : (await run("UID SEARCH NOT DELETED", () => c.search({ deleted: false }, { uid: true }))) || [];
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

    for (let i = 0; i < planned.length && !ctx.aborted && !ctx.blocked; ) {
      const group = planned.slice(i, i + FETCH_GROUP);
      i += group.length;
      const metas = await fetchMeta(c, group, run);
      await deliverGroup(ctx, c, uidValidity, folder, metas, run);
    }
    if (ctx.blocked) throw ctx.blocked;
    await session.logout().catch(() => undefined);
  } finally {
    session.close();
  }
}

/**
 * Runs that saw the UIDVALIDITY change (kept across their reconnects): only they match messages by fingerprint. In a
 * later run a known Message-ID + size is a new copy (a resend, a copy into the folder), not a renumbered message.
 */
const renumbered = new WeakSet<FetchContext>();

type Run = <T>(command: string, fn: () => Promise<T>) => Promise<T>;

async function fetchMeta(c: ImapFlow, uids: number[], run: Run): Promise<Meta[]> {
  const rows = await run("UID FETCH (RFC822.SIZE ENVELOPE)", () =>
    c.fetchAll(uidSetString(uids), { uid: true, size: true, envelope: true }, { uid: true }),
  );
  return rows
    .map((r) => ({
      uid: r.uid,
      size: r.size ?? 0,
      fingerprint: messageFingerprint(r.envelope?.messageId, r.size ?? 0),
    }))
    .sort((a, b) => a.uid - b.uid);
}

async function deliverGroup(
  ctx: FetchContext,
  c: ImapFlow,
  uidValidity: number,
  folder: string,
  metas: Meta[],
  run: Run,
): Promise<void> {
  const { opts, md, state } = ctx;
  const threshold = opts.streamThresholdBytes ?? CHUNK_BYTES;
  // Each durability batch is committed (then expunged with --delete) while the download goes on.
  const committer = new BatchCommitter(ctx, async (uids) => {
    if (opts.delete) await expunge(ctx, c, uids, run);
  });
  const afterChange = renumbered.has(ctx);
  const wanted: Meta[] = [];
  for (const m of metas) {
    if (afterChange && state.isKnownFingerprint(m.fingerprint)) {
      // Same Message-ID + size as a message delivered under an earlier UIDVALIDITY: the same message, renumbered.
      state.markDelivered([{ id: m.uid, fingerprint: m.fingerprint }]);
      ctx.counters.skipped++;
    } else wanted.push(m);
  }
  const byUid = new Map(wanted.map((m) => [m.uid, m]));
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
    const small = wanted.filter((m) => m.size <= threshold).map((m) => m.uid);
    if (small.length > 0) {
      const it = c.fetch(uidSetString(small), { uid: true, source: true }, { uid: true });
      await run("UID FETCH BODY.PEEK[]", async () => {
        for await (const msg of it) {
          const m = byUid.get(msg.uid);
          if (!m || !msg.source) continue;
          const name = deliveryName(key(m.uid));
          const d = await md.beginDelivery(name);
          try {
            await d.write(msg.source);
          } catch (err) {
            await d.abort();
            throw err;
          }
          committer.add(d, item(m, name, d.bytes));
          if (ctx.aborted || committer.failed) break;
        }
      });
    }
    for (const m of wanted.filter((w) => w.size > threshold)) {
      if (ctx.aborted || committer.failed) break;
      const name = deliveryName(key(m.uid));
      const dl = await run(`UID FETCH ${m.uid} BODY.PEEK[]<partial>`, () =>
        c.download(String(m.uid), undefined, { uid: true, chunkSize: CHUNK_BYTES }),
      );
      if (!dl.content) throw fetchError("PROTOCOL_ERROR", `UID ${m.uid} vanished while fetching it.`);
      const d = await md.beginDelivery(name);
      try {
        await run(`UID FETCH ${m.uid} BODY.PEEK[]<partial>`, () => pipeline(dl.content, d.writable));
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

/** UID EXPUNGE is available (RFC 4315 UIDPLUS, part of IMAP4rev2), as imapflow decides it in messageDelete(). */
function hasUidExpunge(c: ImapFlow): boolean {
  const caps = c.capabilities;
  return caps.has("UIDPLUS") || c.enabled.has("IMAP4REV2") || (caps.has("IMAP4rev2") && !caps.has("IMAP4rev1"));
}

/** Runs already warned that the server lacks UIDPLUS. */
const warnedNoUidplus = new WeakSet<FetchContext>();

async function expunge(ctx: FetchContext, c: ImapFlow, uids: number[], run: Run): Promise<void> {
  if (uids.length === 0) return;
  if (!hasUidExpunge(c)) {
    // A plain EXPUNGE would remove EVERY \Deleted message of the folder, also ones flagged by another client and
    // never delivered here: flag ours only, never expunge.
    await run("UID STORE +FLAGS (\\Deleted)", () =>
      c.messageFlagsAdd(uidSetString(uids), ["\\Deleted"], { uid: true }),
    );
    if (!warnedNoUidplus.has(ctx)) {
      warnedNoUidplus.add(ctx);
      ctx.emit({ type: "warning", message: "server lacks UIDPLUS: messages were flagged \\Deleted but not expunged" });
    }
    return;
  }
  // imapflow: STORE +FLAGS (\Deleted), then UID EXPUNGE <set> (UIDPLUS checked above).
  await run("UID STORE +FLAGS (\\Deleted) / UID EXPUNGE", () => c.messageDelete(uidSetString(uids), { uid: true }));
  ctx.counters.deleted += uids.length;
  ctx.emit({ type: "deleted", count: uids.length });
}
