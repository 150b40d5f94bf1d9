/**
 * One POP3 connection pass (RFC 1939): CAPA + XOAUTH2 (done by Pop3Client), LIST/UIDL, skip what the state knows,
 * RETR of every planned message (pipelined when PIPELINING is advertised; small ones whole, big ones streamed) into
 * the Maildir, one durable sync per batch (overlapping the next batch's download), state record, only then DELE
 * (--delete), and QUIT to commit the deletions.
 */
import { Pop3Client } from "../pop3/client.js";
import { deliveryName } from "../store/names.js";
import { BatchCommitter } from "./committer.js";
import { connectedWithToken, type FetchContext } from "./context.js";
import { listMessages, type Pop3Message } from "./pop3-ids.js";
import { secureRecovered } from "./recovery.js";

/**
 * RETRs in flight with PIPELINING: enough to keep a 50 ms RTT link busy with small messages (16 left it idle between
 * replies); the command lines are a few bytes each, and the bodies are consumed in order with backpressure.
 */
const PIPELINE_WINDOW = 64;

export async function pop3Pass(ctx: FetchContext, attempt: number): Promise<void> {
  const { opts, md, state } = ctx;
  // The token (cache read, or a request) and the TCP + TLS connect overlap: both are needed only at AUTH.
  const tokenP = opts.tokenProvider.getToken();
  tokenP.catch(() => {});
  const t = opts.timeouts ?? {};
  const connecting = Pop3Client.connect({
    host: opts.server.host,
    port: opts.server.port,
    tls: opts.server.tls,
    ...(opts.server.ca ? { ca: opts.server.ca } : {}),
    ...(opts.server.servername ? { servername: opts.server.servername } : {}),
    pipelineWindow: PIPELINE_WINDOW,
    timeouts: {
      ...(t.connectMs ? { connectMs: t.connectMs, tlsMs: t.connectMs } : {}),
      ...(t.greetingMs ? { greetingMs: t.greetingMs } : {}),
      ...(t.commandMs ? { commandMs: t.commandMs } : {}),
      ...(t.dataIdleMs ? { dataIdleMs: t.dataIdleMs } : {}),
    },
  });
  const client = await connectedWithToken(connecting, tokenP);
  try {
    ctx.lastToken = (await tokenP).token;
    await client.authenticateXoauth2(opts.account, ctx.lastToken);
    ctx.emit({ type: "connected", attempt });
    const { messages, uidl } = await listMessages(client);
    if (!uidl) ctx.emit({ type: "warning", message: "server has no UIDL: messages identified by header hash + size" });
    state.prune(messages.map((m) => m.id));
    await ctx.settleOwedHooks();

    const todo: Pop3Message[] = [];
    const done: Pop3Message[] = [];
    const recoveredBefore = state.recovered.length;
    for (const m of messages) (state.isDelivered(m.id) ? done : todo).push(m);
    // Found by file name only (e.g. a batch of an earlier pass whose commit failed): durable before any DELE.
    await secureRecovered(ctx, recoveredBefore);
    const skipped = done.length;
    const deleted: string[] = [];
    const earlierDeles: Promise<void>[] = [];
    for (const m of done) {
      if (!ctx.mayDelete(m.id)) continue;
      earlierDeles.push(client.dele(m.n)); // recorded delivered earlier: pipelined, not one round trip each
      deleted.push(m.id);
    }
    await Promise.all(earlierDeles);
    if (attempt === 0) ctx.counters.skipped = skipped;
    const planned = todo.slice(0, Math.min(todo.length, ctx.remaining));
    ctx.emit({ type: "plan", messages: planned.length, bytes: planned.reduce((n, m) => n + m.size, 0), skipped });

    // One pipelined RETR stream over all planned messages, cut into durability batches; each batch's commit (then
    // its DELEs) runs while the next one downloads.
    const byN = new Map(planned.map((m) => [m.n, m]));
    const committer = new BatchCommitter(ctx, async (refs) => {
      if (!opts.delete) return;
      await Promise.all(refs.map((n) => client.dele(n)));
      for (const n of refs) deleted.push((byN.get(n) as Pop3Message).id);
    });
    let failure: unknown;
    try {
      // A message the Maildir spools anyway comes whole (no stream, no promise per chunk); a bigger one streams.
      for await (const { n, body } of client.retrManyWhole(
        planned.map((m) => m.n),
        md.spoolBytes,
      )) {
        const m = byN.get(n) as Pop3Message;
        const name = deliveryName({ account: opts.account, protocol: "pop3", id: m.id });
        const d = md.delivery(name);
        try {
          if ("chunks" in body) await d.writeAll(body.chunks);
          // Chunk by chunk rather than stream.pipeline(): that one makes an AbortController per message and aborts
          // it at the end (a DOMException with a stack trace each): 0.1-0.2 s of CPU for 800 small messages.
          else for await (const chunk of body.stream) await d.write(chunk as Buffer);
        } catch (err) {
          await d.abort();
          throw err;
        }
        committer.add(d, { id: m.id, record: m.id, ref: n, name, bytes: d.bytes });
        if (ctx.aborted || ctx.blocked || committer.failed) break;
      }
    } catch (err) {
      failure = err;
    }
    await committer.finish();
    if (failure !== undefined) throw failure;
    if (ctx.aborted) {
      // The rest of the pipelined RETRs may still be in flight: leave without QUIT (no deletions committed now;
      // the next run deletes what is recorded as delivered).
      return;
    }
    // QUIT commits the DELEs (RFC 1939 §6): its +OK is awaited when there are any; without, nothing waits for it.
    if (deleted.length === 0) client.quitWithoutAnswer();
    else {
      await client.quit();
      state.markDeleted(deleted);
      await state.flush();
      ctx.counters.deleted += deleted.length;
      ctx.emit({ type: "deleted", count: deleted.length });
    }
    if (ctx.blocked) throw ctx.blocked;
  } finally {
    client.close();
  }
}
