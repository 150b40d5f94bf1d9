/**
 * Graph's view of the mailboxes the POP3/IMAP/SMTP fakes serve (src/sandbox/exchange/directory.ts): one store, so a
 * message is the same over all three. Folders are the directory's (IMAP names, `/`-separated: `INBOX/Invoices`);
 * Graph's well-known names map onto them. Each message gets its ids when Graph first sees it.
 */
import type { ExchangeDirectory, FakeMailbox, StoredMessage } from "../exchange/directory.js";
import { folderId, newImmutableId, newMessageId } from "./ids.js";

/** Graph's well-known folder names (https://learn.microsoft.com/en-us/graph/api/resources/mailfolder) -> store names. */
export const WELL_KNOWN: Readonly<Record<string, string>> = {
  inbox: "INBOX",
  drafts: "Drafts",
  sentitems: "Sent Items",
  deleteditems: "Deleted Items",
  archive: "Archive",
  junkemail: "Junk Email",
  outbox: "Outbox",
};
/** The folder above the top-level folders (`msgfolderroot`): path "". */
export const ROOT = "";

/** One attachment of a draft (the large-message path). */
export interface DraftAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId?: string;
  content: Buffer;
}

export interface MessageMeta {
  immutableId: string;
  /** The current (non-immutable) id: new after each move. */
  id: string;
  mailbox: FakeMailbox;
  folder: string;
  msg: StoredMessage;
  created: Date;
  /** Bumped by each change Graph makes (PATCH, attachments): part of the delta signature. */
  changeKey: number;
  /** Set for drafts created through Graph (JSON); their MIME is recomposed from it. */
  draft?: { json: Record<string, unknown>; attachments: DraftAttachment[] };
}

export class GraphStore {
  private readonly meta = new WeakMap<StoredMessage, MessageMeta>();
  private readonly byId = new Map<string, MessageMeta>();

  constructor(readonly directory: ExchangeDirectory) {}

  /** Adds the well-known folders a mailbox lacks (the directory starts with four). */
  ensureFolders(mb: FakeMailbox): void {
    for (const name of Object.values(WELL_KNOWN)) this.createFolder(mb, name);
  }

  createFolder(mb: FakeMailbox, path: string): string {
    if (!mb.folders.has(path)) {
      mb.folders.set(path, []);
      mb.uidNext.set(path, 1);
    }
    return path;
  }

  folderIdOf(mb: FakeMailbox, path: string): string {
    return folderId(mb.objectId, path === ROOT ? "msgfolderroot" : path);
  }

  /** A folder segment of a URL (well-known name or id) -> path, or undefined. */
  resolveFolder(mb: FakeMailbox, seg: string): string | undefined {
    this.ensureFolders(mb);
    const wk = seg.toLowerCase();
    if (wk === "msgfolderroot") return ROOT;
    const named = WELL_KNOWN[wk];
    if (named !== undefined) return named;
    if (seg === this.folderIdOf(mb, ROOT)) return ROOT;
    return [...mb.folders.keys()].find((p) => this.folderIdOf(mb, p) === seg);
  }

  /** The folders directly below `parent` (ROOT for the top level). */
  children(mb: FakeMailbox, parent: string): string[] {
    this.ensureFolders(mb);
    return [...mb.folders.keys()].filter((p) => parentOf(p) === parent);
  }

  displayName(path: string): string {
    const last = path.split("/").pop() ?? path;
    return path === "INBOX" ? "Inbox" : last;
  }

  /** The message's Graph record (created at first sight). */
  metaOf(mb: FakeMailbox, folder: string, msg: StoredMessage): MessageMeta {
    let m = this.meta.get(msg);
    if (!m) {
      m = {
        immutableId: newImmutableId(),
        id: newMessageId(),
        mailbox: mb,
        folder,
        msg,
        created: msg.internalDate,
        changeKey: 1,
      };
      this.meta.set(msg, m);
      this.byId.set(m.immutableId, m);
      this.byId.set(m.id, m);
    }
    m.folder = folder;
    return m;
  }

  /** The messages of a folder, oldest first. */
  list(mb: FakeMailbox, folder: string): MessageMeta[] {
    return (mb.folders.get(folder) ?? []).map((msg) => this.metaOf(mb, folder, msg));
  }

  /** Every message of the mailbox (`/users/{id}/messages`). */
  listAll(mb: FakeMailbox): MessageMeta[] {
    return [...mb.folders.keys()].flatMap((f) => this.list(mb, f));
  }

  /** A message by its current id or immutable id, if it is still where Graph last saw it. */
  find(mb: FakeMailbox, id: string): MessageMeta | undefined {
    const m = this.byId.get(id);
    if (!m || m.mailbox !== mb) return undefined;
    if (!(mb.folders.get(m.folder) ?? []).includes(m.msg)) {
      const home = [...mb.folders.entries()].find(([, list]) => list.includes(m.msg));
      if (!home) return undefined;
      m.folder = home[0];
    }
    return m;
  }

  /** Moves a message: a new UID in the target folder (IMAP sees it there), the same immutable id, a new id. */
  move(m: MessageMeta, to: string): MessageMeta {
    const moved = this.directory.deliver(m.mailbox.address, m.msg.raw, to, [...m.msg.flags], true);
    this.detach(m);
    this.byId.delete(m.id);
    m.id = newMessageId();
    m.msg = moved;
    m.folder = to;
    m.changeKey++;
    this.meta.set(moved, m);
    this.byId.set(m.id, m);
    return m;
  }

  /** Removes a message from the store for good. */
  remove(m: MessageMeta): void {
    this.detach(m);
    this.byId.delete(m.id);
    this.byId.delete(m.immutableId);
  }

  private detach(m: MessageMeta): void {
    const list = m.mailbox.folders.get(m.folder) ?? [];
    const i = list.indexOf(m.msg);
    if (i >= 0) list.splice(i, 1);
  }
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? ROOT : path.slice(0, i);
}
