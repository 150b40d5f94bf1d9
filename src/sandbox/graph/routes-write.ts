/**
 * Changing messages and folders: move (201 with the moved message), DELETE (204, to Deleted Items),
 * permanentDelete (204), PATCH isRead (200), creating folders (201)
 * (https://learn.microsoft.com/en-us/graph/api/message-move, message-delete, message-permanentdelete, message-update).
 */
import { parseJsonObject, readBody, sendEmpty, sendError, sendJson } from "./http.js";
import { messageJson } from "./message-json.js";
import { folderJson, folderOr404, messageOr404 } from "./routes-read.js";
import type { Ctx } from "./state.js";
import { ROOT } from "./store.js";

const MAX_JSON = 64 * 1024;

async function jsonBody(c: Ctx): Promise<Record<string, unknown> | undefined> {
  const b = await readBody(c.call.req, MAX_JSON);
  const json = b.ok ? parseJsonObject(b.body) : undefined;
  if (!json) sendError(c.call, "body-not-json");
  return json;
}

export async function move(c: Ctx, id: string): Promise<void> {
  const body = await jsonBody(c);
  if (!body) return;
  const m = messageOr404(c, id);
  if (!m) return;
  const to = folderOr404(c, String(body.destinationId ?? ""));
  if (to === undefined) return;
  const { store } = c.st;
  const moved = to === m.folder ? m : store.move(m, to);
  sendJson(c.call, 201, messageJson(moved, store.folderIdOf(c.mb, to), c.call.immutable));
}

export function remove(c: Ctx, id: string): void {
  const m = messageOr404(c, id);
  if (!m) return;
  if (m.folder === "Deleted Items") c.st.store.remove(m);
  else c.st.store.move(m, "Deleted Items");
  sendEmpty(c.call, 204);
}

export function permanentDelete(c: Ctx, id: string): void {
  const m = messageOr404(c, id);
  if (!m) return;
  c.st.store.remove(m);
  sendEmpty(c.call, 204);
}

export async function patch(c: Ctx, id: string): Promise<void> {
  const body = await jsonBody(c);
  if (!body) return;
  const m = messageOr404(c, id);
  if (!m) return;
  if (typeof body.isRead === "boolean") {
    if (body.isRead) m.msg.flags.add("\\Seen");
    else m.msg.flags.delete("\\Seen");
    m.changeKey++;
  }
  sendJson(c.call, 200, messageJson(m, c.st.store.folderIdOf(c.mb, m.folder), c.call.immutable));
}

/** POST mailFolders, POST mailFolders/{id}/childFolders: `{"displayName"}`. */
export async function createFolder(c: Ctx, parentSeg?: string): Promise<void> {
  const body = await jsonBody(c);
  if (!body) return;
  const parent = parentSeg === undefined ? ROOT : folderOr404(c, parentSeg);
  if (parent === undefined) return;
  const name = typeof body.displayName === "string" ? body.displayName.trim() : "";
  if (name.length === 0 || name.includes("/")) return sendError(c.call, "body-not-json");
  const path = parent === ROOT ? name : `${parent}/${name}`;
  const exists = [...c.mb.folders.keys()].some((p) => p.toLowerCase() === path.toLowerCase());
  if (exists) return sendError(c.call, "folder-exists");
  c.st.store.createFolder(c.mb, path);
  sendJson(c.call, 201, folderJson(c, c.mb, path));
}
