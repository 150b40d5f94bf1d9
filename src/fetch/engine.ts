/**
 * The fetch engine for one account: opens the Maildir and the state (lock + crash recovery), then runs connection
 * passes of the protocol until everything is fetched; a dropped connection / timeout reconnects (fresh token from the
 * provider) and resumes, with bounded, exponentially backed-off retries. Protocol: docs/exactly-once.md.
 */
import { join } from "node:path";
import { requestIdField } from "../diagnose/request-id.js";
import { toXoauthError, type XoauthError } from "../errors.js";
import { isTokenExpiry } from "../imap/bye.js";
import { toTypedError } from "../store/fs-errors.js";
import { Maildir } from "../store/maildir.js";
import { graphFolderKey } from "../store/names.js";
import { accountHash, StateStore } from "../store/state.js";
import { FetchContext } from "./context.js";
import { Hooks } from "./hooks.js";
import { addIdentityParams } from "./identity-params.js";
import { backoffDelay, isRetryable, sleep } from "./recovery.js";
import type { FetchOptions, FetchSummary } from "./types.js";

/** Reconnects in one run even with progress in between (a flapping link must end somewhere). */
const MAX_RECONNECTS = 50;
/**
 * Messages up to 1 MiB (16 MiB in all) are collected in memory and written + fsynced by the batch in the
 * background, so the download never waits for the disk per message; bigger ones stream into tmp/.
 */
const SPOOL = { spoolBytes: 1024 * 1024, spoolTotalBytes: 16 * 1024 * 1024 };

/** Fetches one account; never throws: failures end up in `summary.errors` with `ok: false`. */
export async function fetchAccount(opts: FetchOptions): Promise<FetchSummary & { error?: XoauthError }> {
  const started = Date.now();
  const folder =
    opts.protocol === "imap"
      ? (opts.folder ?? "INBOX")
      : opts.protocol === "graph"
        ? graphFolderKey(opts.folder)
        : undefined;
  const ref = { account: opts.account, protocol: opts.protocol, ...(folder ? { folder } : {}) };
  let ctx: FetchContext | undefined;
  let error: XoauthError | undefined;
  let state: StateStore | undefined;
  // Loaded on use (a POP3 run never loads the IMAP client: memory budget of fetch), and while the Maildir and state open.
  const pass =
    opts.protocol === "pop3"
      ? import("./pop3-fetch.js").then((m) => m.pop3Pass)
      : opts.protocol === "graph"
        ? import("./graph-fetch.js").then((m) => m.graphPass)
        : import("./imap-fetch.js").then((m) => m.imapPass);
  pass.catch(() => {}); // observed in passes()
  try {
    const md = await Maildir.open(opts.maildir, SPOOL);
    state = await StateStore.load(ref, { maildir: md.dir });
    await state.recover(md);
    const hooks = await Hooks.load(opts, join(md.dir, ".xoauth-mail"), accountHash(ref));
    ctx = new FetchContext(opts, md, state, hooks);
    await passes(ctx, await pass);
  } catch (err) {
    error = toTypedError(err);
  } finally {
    try {
      await state?.close();
    } catch (err) {
      error ??= toTypedError(err);
    }
  }
  if (error && ctx?.lastToken) addIdentityParams(error, ctx.lastToken);
  const c = ctx?.counters ?? { fetched: 0, bytes: 0, deleted: 0, skipped: 0 };
  return {
    ok: error === undefined,
    account: opts.account,
    protocol: opts.protocol,
    ...c,
    errors: error ? [{ code: error.code, message: error.message, ...requestIdField(error) }] : [],
    ms: Date.now() - started,
    ...(error ? { error } : {}),
  };
}

async function passes(ctx: FetchContext, pass: (ctx: FetchContext, attempt: number) => Promise<void>): Promise<void> {
  const { opts } = ctx;
  const retries = opts.retries ?? 3;
  let failures = 0;
  let expiredBefore = false;
  for (let attempt = 0; ; attempt++) {
    ctx.progress = false;
    try {
      await pass(ctx, attempt);
      return;
    } catch (err) {
      const e = toXoauthError(err);
      if (ctx.progress) failures = 0;
      // The server ended the session because its token expired (Exchange's BYE): log in again at once with a new
      // token. Twice in a row without progress counts as a failure (a server that does it at every login).
      const expired = isTokenExpiry(e);
      const relogin = expired && (ctx.progress || !expiredBefore);
      expiredBefore = expired;
      if (!relogin) failures++;
      if (!isRetryable(e) || failures > retries || attempt >= MAX_RECONNECTS || ctx.aborted) throw e;
      ctx.forceTokenRefresh = expired;
      const delayMs = relogin ? 0 : backoffDelay(opts.backoffMs ?? 1000, failures);
      ctx.emit({
        type: "retry",
        attempt: attempt + 1,
        delayMs,
        code: e.code,
        message: e.message,
        ...(relogin ? { reason: "token-expired" as const } : {}),
      });
      await sleep(delayMs, opts.signal);
      if (ctx.aborted) throw e;
    }
  }
}
