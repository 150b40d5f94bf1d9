/**
 * A small in-memory double of the GraphClient interface for the unit tests of the Graph fetch pass: folders of
 * messages, delta rounds with paging (`next:` / `delta:` links over a change log), and hooks to replay a page, expire
 * a link (SYNC_STATE_EXPIRED), fail an action, hold a download, and watch what is in flight.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { XoauthError } from "../../src/errors.js";
import type { FetchOptions } from "../../src/fetch/types.js";
import type {
  DeltaPage,
  GraphClient,
  GraphClientOptions,
  GraphFolder,
  GraphMessageRef,
  GraphRequestInfo,
} from "../../src/graph/types.js";
import { accountHash } from "../../src/store/state.js";
import { plainMessage } from "../harness/messages.js";

interface Msg {
  id: string;
  mime: Buffer;
  isRead: boolean;
  folder: string;
  /** Change-log position of the last change that put it into its folder. */
  seq: number;
}

export class GraphDouble {
  readonly folders = new Map<string, GraphFolder>();
  readonly messages = new Map<string, Msg>();
  /** Removal log: [seq, folderId, messageId]. */
  private removals: [number, string, string][] = [];
  private seq = 0;
  private nextId = 1;
  pageSize = 3;
  /** Calls in order: `deltaPage <link|full>`, `mime <id>`, `move <id> <folder>`, `delete <id>`, `read <id>`. */
  readonly calls: string[] = [];
  mimeInFlight = 0;
  maxMimeInFlight = 0;
  /** Links that answer 410 SyncStateNotFound (once each). */
  readonly expired = new Set<string>();
  /** Answer the page of this link twice: the second time as if it was the first (a replay). */
  replayOnce: string | undefined;
  /** Called before each action; throw to make it fail. */
  beforeAction: ((kind: "move" | "delete" | "read", id: string) => void | Promise<void>) | undefined;
  /** Called when a download starts; its promise holds the body until it resolves. */
  holdMime: ((id: string) => Promise<void> | undefined) | undefined;

  constructor() {
    for (const [id, displayName, path] of [
      ["f-inbox", "Inbox", "inbox"],
      ["f-deleted", "Deleted Items", "deleteditems"],
      ["f-processed", "Processed", "processed"],
      ["f-invoices", "Invoices", "inbox/invoices"],
    ] as const) {
      this.folders.set(path, { id, displayName, path });
    }
  }

  /** Adds a message to a folder (default the Inbox); returns its immutable id. */
  add(mime: Buffer, folderId = "f-inbox"): string {
    const id = `AAMk-${String(this.nextId++).padStart(4, "0")}=`;
    this.messages.set(id, { id, mime, isRead: false, folder: folderId, seq: ++this.seq });
    return id;
  }

  inFolder(folderId: string): string[] {
    return [...this.messages.values()].filter((m) => m.folder === folderId).map((m) => m.id);
  }

  /** Moves a message (the log records its removal from the old folder). */
  relocate(id: string, folderId: string): void {
    const m = this.messages.get(id);
    if (!m) throw notFound();
    if (m.folder === folderId) return;
    this.removals.push([++this.seq, m.folder, id]);
    m.folder = folderId;
    m.seq = this.seq;
  }

  client = (opts: GraphClientOptions): GraphClient => {
    this.options = opts;
    return makeClient(this);
  };
  options: GraphClientOptions | undefined;

  /** @internal */
  page(folderId: string, link: string | undefined): DeltaPage {
    this.calls.push(`deltaPage ${link ?? "full"}`);
    if (link !== undefined && this.expired.delete(link)) {
      throw new XoauthError("SYNC_STATE_EXPIRED", "The sync state has expired.", {
        details: { httpStatus: 410, serverReply: "SyncStateNotFound: expired" },
      });
    }
    // A round is [from, to]: changes after `from` up to `to`; a page is an offset into that list.
    let from = 0;
    let to = this.seq;
    let offset = 0;
    if (link?.startsWith("delta:")) from = Number(link.split(":")[2]);
    if (link?.startsWith("next:"))
      [from, to, offset] = link.split(":").slice(2).map(Number) as [number, number, number];
    const added = [...this.messages.values()]
      .filter((m) => m.folder === folderId && m.seq > from && m.seq <= to)
      .sort((a, b) => a.seq - b.seq);
    const removed = from === 0 ? [] : this.removals.filter(([s, f]) => f === folderId && s > from && s <= to);
    const slice = added.slice(offset, offset + this.pageSize);
    const end = offset + this.pageSize >= added.length;
    const page: DeltaPage = {
      messages: slice.map((m): GraphMessageRef => ({ id: m.id, isRead: m.isRead })),
      removed: offset === 0 ? removed.map(([, , id]) => id) : [],
      ...(end
        ? { deltaLink: `delta:${folderId}:${to}` }
        : { nextLink: `next:${folderId}:${from}:${to}:${offset + this.pageSize}` }),
    };
    if (link !== undefined && link === this.replayOnce) {
      this.replayOnce = undefined;
      // The same page again, then the round goes on: the client sees every message of it twice.
      return { ...page, ...(page.nextLink ? { nextLink: link } : {}), deltaLink: undefined } as DeltaPage;
    }
    return page;
  }
}

function notFound(): XoauthError {
  return new XoauthError("FOLDER_NOT_FOUND", "The specified object was not found in the store.", {
    details: { httpStatus: 404, serverReply: "ErrorItemNotFound: The specified object was not found in the store." },
  });
}

function makeClient(d: GraphDouble): GraphClient {
  let requests = 0;
  const action = async (kind: "move" | "delete" | "read", id: string, extra = "") => {
    requests++;
    await d.beforeAction?.(kind, id);
    d.calls.push(`${kind} ${id}${extra}`);
    if (!d.messages.has(id)) throw notFound();
  };
  const unused = (): never => {
    throw new Error("not used by fetch");
  };
  return {
    mailbox: d.options?.mailbox ?? "",
    get requestCount() {
      return requests;
    },
    async resolveFolder(path) {
      requests++;
      const f = d.folders.get(path.toLowerCase());
      if (!f) {
        throw new XoauthError("FOLDER_NOT_FOUND", `The folder "${path}" does not exist in the mailbox.`, {
          details: { httpStatus: 404 },
        });
      }
      return { ...f, path };
    },
    async deltaPage(folderId, link) {
      requests++;
      await Promise.resolve();
      return d.page(folderId, link);
    },
    async listMessages() {
      return unused();
    },
    async openMime(id) {
      requests++;
      d.calls.push(`mime ${id}`);
      const m = d.messages.get(id);
      if (!m) throw notFound();
      d.mimeInFlight++;
      d.maxMimeInFlight = Math.max(d.maxMimeInFlight, d.mimeInFlight);
      const hold = d.holdMime?.(id);
      const mime = m.mime;
      const chunks = async function* () {
        try {
          if (hold) await hold;
          for (let i = 0; i < mime.length; i += 1000) yield mime.subarray(i, i + 1000);
        } finally {
          d.mimeInFlight--;
        }
      };
      return { stream: Readable.from(chunks()), length: mime.length };
    },
    async move(id, folderId) {
      await action("move", id, ` ${folderId}`);
      d.relocate(id, folderId);
      return { id };
    },
    async delete(id) {
      await action("delete", id);
      d.relocate(id, "f-deleted");
    },
    async markRead(id) {
      await action("read", id);
      (d.messages.get(id) as Msg).isRead = true;
    },
    sendMime: async (): Promise<GraphRequestInfo> => unused(),
    probeSend: async () => unused(),
    createDraft: async () => unused(),
    addAttachment: async () => unused(),
    createUploadSession: async () => unused(),
    uploadRange: async () => unused(),
    sendDraft: async () => unused(),
    close() {},
  };
}

export const ACCOUNT = "erp@contoso.com";

export function options(g: GraphDouble, maildir: string, over: Partial<FetchOptions> = {}): FetchOptions {
  return {
    account: ACCOUNT,
    protocol: "graph",
    server: { host: "graph.test", port: 443, tls: "implicit" },
    tokenProvider: {
      getToken: async () => ({ token: "t0ken", expiresOn: new Date(Date.now() + 3600_000), fromCache: false }),
    },
    maildir,
    delete: false,
    retries: 0,
    graph: { baseUrl: "https://graph.test/v1.0", createClient: g.client },
    ...over,
  };
}

export function stateOf(maildir: string, folder = "inbox") {
  const file = join(
    maildir,
    ".xoauth-mail",
    `state-${accountHash({ account: ACCOUNT, protocol: "graph", folder })}.json`,
  );
  return JSON.parse(readFileSync(file, "utf8")) as {
    protocol: string;
    folder: string;
    graph: { deltaLink?: string; folderId?: string; delivered: string[]; owed: string[] };
  };
}

export function fill(g: GraphDouble, n: number, from = 1): Buffer[] {
  const out = Array.from({ length: n }, (_, i) => plainMessage(from + i, 300 + ((i * 7919) % 9000)));
  for (const m of out) g.add(m);
  return out;
}
