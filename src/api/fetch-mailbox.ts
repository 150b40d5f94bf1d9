/**
 * `fetchMailbox(options)`: what `xoauth-mail fetch --json` does for one mailbox: every new message exactly once into
 * a Maildir (POP3, IMAP or Graph), resumable after a crash (docs/exactly-once.md). `onMessage` is called for each
 * message once it is durable (fsynced in new/ and recorded); aborting `signal` stops after the current durability
 * batch is committed: nothing partial in new/, the state consistent, and a later run goes on where this one stopped.
 * Never throws for a failed run (the summary says `ok: false`, `errors` the codes); throws USAGE for bad options.
 */
import { z } from "zod";
import type { XoauthError } from "../errors.js";
import type { FetchEvent, FetchSummary } from "../fetch/types.js";
import { explained } from "./explain.js";
import { type Credentials, graphOf, type MailboxTarget, parseOperation, serverOf, targetShape } from "./operation.js";

export interface FetchedMessage {
  /** The message file in the Maildir's new/ (durable when this is called). */
  path: string;
  /** The server's id: the POP3 UIDL, the IMAP UID, the Graph message id. */
  id: string;
  /** Size in bytes. */
  size: number;
}

export interface FetchMailboxOptions extends MailboxTarget {
  /** pop3 (default), imap or graph. */
  protocol?: "pop3" | "imap" | "graph";
  /** The Maildir (created when missing). The fetch state lives in its `.xoauth-mail/`. */
  maildir: string;
  /** IMAP folder (default INBOX); Graph folder path (default inbox; nested `Inbox/Invoices`). */
  folder?: string;
  /** Remove each message from the server once it is durable locally (POP3 DELE, IMAP EXPUNGE, Graph: Deleted Items). */
  delete?: boolean;
  /** Graph: move each message to this folder once durable locally. */
  moveTo?: string;
  /** Graph: mark each message read once durable locally. */
  markRead?: boolean;
  /** At most this many new messages in this run. */
  limit?: number;
  /** Shell command run per message (path in $1 and XOAUTH_MAIL_FILE), before it is deleted on the server. */
  exec?: string;
  /** A failing `exec` stops the run before that message is deleted. */
  execRequired?: boolean;
  /** Extract attachments and a JSON sidecar per message into this directory. */
  attachmentsDir?: string;
  /** Reconnects without progress before giving up (default 3). */
  retries?: number;
  /** Messages per durability batch (default 64): each batch is fsynced and recorded at once. */
  batch?: number;
  /** Called once per message after it is durable (an exception here is reported as a warning event, not thrown). */
  onMessage?: (message: FetchedMessage) => void;
  /** Every engine event (connected, plan, batch, retry, warning, ...), for logs and progress. */
  onEvent?: (event: FetchEvent) => void;
  /** Abort: stop cleanly after the current commit. */
  signal?: AbortSignal;
}

/** The `fetch --json` summary. On failure the typed error is `error` too (not enumerable: JSON stays the same). */
export type FetchReport = FetchSummary & { readonly error?: XoauthError };

const shape = {
  ...targetShape,
  protocol: z.enum(["pop3", "imap", "graph"]).optional(),
  maildir: z.string().min(1, "must be a directory path"),
  folder: z.string().min(1).optional(),
  delete: z.boolean().optional(),
  moveTo: z.string().min(1).optional(),
  markRead: z.boolean().optional(),
  limit: z.number().int().min(1).optional(),
  exec: z.string().min(1).optional(),
  execRequired: z.boolean().optional(),
  attachmentsDir: z.string().min(1).optional(),
  retries: z.number().int().min(0).optional(),
  batch: z.number().int().min(1).optional(),
  onMessage: z.function().optional(),
  onEvent: z.function().optional(),
  signal: z.instanceof(AbortSignal).optional(),
};

export async function fetchMailbox(options: FetchMailboxOptions & Credentials): Promise<FetchReport> {
  const { op, provider, auth } = parseOperation<FetchMailboxOptions>(shape, options);
  const protocol = op.protocol ?? "pop3";
  const graph = protocol === "graph" ? graphOf(auth.cloud, op) : undefined;
  const server = graph ? graph.server : serverOf(protocol as "pop3" | "imap", auth.cloud, op);
  const t = op.timeoutMs;
  const onEvent = (e: FetchEvent): void => {
    op.onEvent?.(e);
    if (e.type !== "message" || !op.onMessage) return;
    try {
      op.onMessage({ path: e.path, id: e.id, size: e.bytes });
    } catch (err) {
      op.onEvent?.({ type: "warning", message: `onMessage threw for ${e.path}: ${(err as Error).message}` });
    }
  };
  const { fetchAccount } = await import("../fetch/engine.js");
  const { error, ...summary } = await fetchAccount({
    account: op.mailbox,
    protocol,
    server: { ...server, ...(auth.ca ? { ca: auth.ca } : {}) },
    tokenProvider: provider.forProtocol(protocol),
    maildir: op.maildir,
    ...(op.folder ? { folder: op.folder } : {}),
    delete: op.delete === true,
    ...(op.moveTo !== undefined ? { moveTo: op.moveTo } : {}),
    ...(op.markRead ? { markRead: true } : {}),
    ...(graph
      ? {
          graph: {
            baseUrl: graph.url,
            ...(auth.ca ? { ca: auth.ca } : {}),
            ...(auth.proxy ? { proxy: auth.proxy } : {}),
            ...(auth.noProxy ? { noProxy: auth.noProxy } : {}),
          },
        }
      : {}),
    ...(op.limit !== undefined ? { limit: op.limit } : {}),
    ...(op.exec ? { exec: op.exec, execRequired: op.execRequired === true } : {}),
    ...(op.attachmentsDir ? { attachmentsDir: op.attachmentsDir } : {}),
    ...(t ? { timeouts: { commandMs: t, dataIdleMs: t, greetingMs: t, connectMs: t } } : {}),
    ...(op.retries !== undefined ? { retries: op.retries } : {}),
    ...(op.batch !== undefined ? { batchMessages: op.batch } : {}),
    ...(op.signal ? { signal: op.signal } : {}),
    onEvent,
  });
  if (error) Object.defineProperty(summary, "error", { value: explained(error), enumerable: false });
  return summary as FetchReport;
}
