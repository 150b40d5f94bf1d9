/** Reading: mail folders, message listings, one message, its MIME (`$value`) and delta pages. */
import type { FakeMailbox } from "../exchange/directory.js";
import type { DeltaItem } from "./delta.js";
import { type GraphCall, sendError, sendJson, sendStream } from "./http.js";
import { looksLikeId } from "./ids.js";
import { messageJson, selectOf } from "./message-json.js";
import type { Ctx } from "./state.js";
import { type MessageMeta, parentOf, ROOT } from "./store.js";

/** Page sizes of listings (`$top`): Graph's default 10 and maximum 1000 for messages and folders. */
const DEFAULT_TOP = 10;
const MAX_TOP = 1000;

/** The folder of `seg`, or an error answered (malformed id / not found). */
export function folderOr404(c: Ctx, seg: string): string | undefined {
  const path = c.st.store.resolveFolder(c.mb, seg);
  if (path !== undefined) return path;
  sendError(c.call, looksLikeId(seg) ? "item-not-found" : "id-malformed");
  return undefined;
}

/** The message of `id`, or an error answered. */
export function messageOr404(c: Ctx, id: string): MessageMeta | undefined {
  const m = c.st.store.find(c.mb, id);
  if (m) return m;
  sendError(c.call, looksLikeId(id) ? "item-not-found" : "id-malformed");
  return undefined;
}

export function folderJson(c: Ctx, mb: FakeMailbox, path: string): object {
  const { store } = c.st;
  const msgs = mb.folders.get(path) ?? [];
  return {
    id: store.folderIdOf(mb, path),
    displayName: path === ROOT ? "Top of Information Store" : store.displayName(path),
    parentFolderId: path === ROOT ? store.folderIdOf(mb, "\0root-parent") : store.folderIdOf(mb, parentOf(path)),
    childFolderCount: store.children(mb, path).length,
    unreadItemCount: msgs.filter((m) => !m.flags.has("\\Seen")).length,
    totalItemCount: msgs.length,
    sizeInBytes: msgs.reduce((n, m) => n + m.raw.length, 0),
    isHidden: false,
  };
}

function pageParams(url: URL): { top: number; skip: number } {
  const top = Number(url.searchParams.get("$top") ?? DEFAULT_TOP);
  const skip = Number(url.searchParams.get("$skip") ?? 0);
  return {
    top: Number.isInteger(top) && top > 0 ? Math.min(top, MAX_TOP) : DEFAULT_TOP,
    skip: Number.isInteger(skip) && skip > 0 ? skip : 0,
  };
}

function nextLink(call: GraphCall, skip: number): string {
  const u = new URL(call.url.href);
  u.searchParams.set("$skip", String(skip));
  return `${call.base}${u.pathname.replace(/^\/v1\.0/, "")}${u.search}`;
}

function sendPage<T>(call: GraphCall, context: string, all: T[], map: (x: T) => object): void {
  const { top, skip } = pageParams(call.url);
  const page = all.slice(skip, skip + top);
  sendJson(call, 200, {
    "@odata.context": `${call.base}/$metadata#${context}`,
    value: page.map(map),
    ...(skip + top < all.length ? { "@odata.nextLink": nextLink(call, skip + top) } : {}),
  });
}

/** `$filter=displayName eq 'Name'` (the only filter the fake knows), case-insensitive like Exchange. */
function displayNameFilter(url: URL): string | undefined {
  const f = url.searchParams.get("$filter");
  const m = f ? /^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(f) : null;
  return m?.[1]?.replace(/''/g, "'");
}

/** GET mailFolders, GET mailFolders/{id}/childFolders. */
export function listFolders(c: Ctx, parentSeg?: string): void {
  const parent = parentSeg === undefined ? ROOT : folderOr404(c, parentSeg);
  if (parent === undefined) return;
  const want = displayNameFilter(c.call.url)?.toLowerCase();
  const paths = c.st.store
    .children(c.mb, parent)
    .filter((p) => want === undefined || c.st.store.displayName(p).toLowerCase() === want);
  sendPage(c.call, `users('${c.user}')/mailFolders`, paths, (p) => folderJson(c, c.mb, p));
}

export function getFolder(c: Ctx, seg: string): void {
  const path = folderOr404(c, seg);
  if (path !== undefined) sendJson(c.call, 200, folderJson(c, c.mb, path));
}

function ordered(c: Ctx, metas: MessageMeta[]): MessageMeta[] {
  const order = (c.call.url.searchParams.get("$orderby") ?? "receivedDateTime desc").toLowerCase();
  const asc = /receiveddatetime(\s+asc)?\s*$/.test(order) && !order.includes("desc");
  const sorted = metas
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.msg.internalDate.getTime() - b.m.msg.internalDate.getTime() || a.i - b.i)
    .map((x) => x.m);
  return asc ? sorted : sorted.reverse();
}

/** GET messages, GET mailFolders/{id}/messages. */
export function listMessages(c: Ctx, folderSeg?: string): void {
  const path = folderSeg === undefined ? undefined : folderOr404(c, folderSeg);
  if (folderSeg !== undefined && path === undefined) return;
  const { store } = c.st;
  const metas = path === undefined ? store.listAll(c.mb) : store.list(c.mb, path);
  const select = selectOf(c.call.url);
  sendPage(c.call, `users('${c.user}')/messages`, ordered(c, metas), (m) =>
    messageJson(m, store.folderIdOf(c.mb, m.folder), c.call.immutable, select),
  );
}

export function getMessage(c: Ctx, id: string): void {
  const m = messageOr404(c, id);
  if (!m) return;
  const json = messageJson(m, c.st.store.folderIdOf(c.mb, m.folder), c.call.immutable, selectOf(c.call.url));
  sendJson(c.call, 200, { "@odata.context": `${c.call.base}/$metadata#users('${c.user}')/messages/$entity`, ...json });
}

/** GET messages/{id}/$value: the MIME, streamed (content type UNCONFIRMED; clients must not rely on it). */
export async function getMime(c: Ctx, id: string): Promise<void> {
  const m = messageOr404(c, id);
  if (m) await sendStream(c.call, m.msg.raw, "text/plain");
}

/** GET mailFolders/{id}/messages/delta (`$skiptoken` = next page, `$deltatoken` = changes since). */
export function deltaPage(c: Ctx, folderSeg: string): void {
  const path = folderOr404(c, folderSeg);
  if (path === undefined) return;
  const { delta, store } = c.st;
  const q = c.call.url.searchParams;
  const key = `${c.mb.address}|${path}`;
  const gone = (): void => sendError(c.call, "sync-state-not-found", delta.generations());
  let round = q.get("$skiptoken") ?? undefined;
  const deltaToken = q.get("$deltatoken");
  if (round === undefined) {
    const since = deltaToken !== null ? delta.state(deltaToken) : undefined;
    if (deltaToken !== null && (!since || since.key !== key)) {
      gone();
      return;
    }
    round = delta.start(key, store.list(c.mb, path), since, selectOf(c.call.url));
  }
  const page = delta.page(round, c.call.maxPageSize);
  if (!page) {
    gone();
    return;
  }
  const link = `${c.call.base}/users/${encodeURIComponent(c.user)}/mailFolders/${encodeURIComponent(folderSeg)}/messages/delta`;
  const item = (x: DeltaItem): object =>
    x.kind === "removed"
      ? {
          "@odata.type": "#microsoft.graph.message",
          id: c.call.immutable ? x.immutableId : x.id,
          "@removed": { reason: "deleted" },
        }
      : messageJson(x.meta, store.folderIdOf(c.mb, x.meta.folder), c.call.immutable, page.select);
  const applied = [
    ...(c.call.maxPageSize ? [`odata.maxpagesize=${c.call.maxPageSize}`] : []),
    ...(c.call.immutable ? ['IdType="ImmutableId"'] : []),
  ];
  sendJson(
    c.call,
    200,
    {
      "@odata.context": `${c.call.base}/$metadata#Collection(message)`,
      value: page.items.map(item),
      ...(page.next ? { "@odata.nextLink": `${link}?$skiptoken=${page.next}` } : {}),
      ...(page.delta ? { "@odata.deltaLink": `${link}?$deltatoken=${page.delta}` } : {}),
    },
    applied.length ? { "preference-applied": applied.join(", ") } : {},
  );
}
