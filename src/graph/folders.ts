/**
 * Folder paths -> Graph mail folders. A well-known name (https://learn.microsoft.com/en-us/graph/api/resources/mailfolder,
 * "Use well-known folder names") is asked for directly and works whatever the mailbox's language calls it
 * (`inbox` is "Posteingang" in a German mailbox); the rest of a path is walked one display name at a time with
 * `$filter=displayName eq '...'` on the parent's `childFolders`, compared case-insensitively, following nextLinks.
 */
import { XoauthError } from "../errors.js";
import type { GraphFolder } from "./types.js";

export const WELL_KNOWN_FOLDERS: ReadonlySet<string> = new Set([
  "archive",
  "clutter",
  "conflicts",
  "conversationhistory",
  "deleteditems",
  "drafts",
  "inbox",
  "junkemail",
  "localfailures",
  "msgfolderroot",
  "outbox",
  "recoverableitemsdeletions",
  "scheduled",
  "searchfolders",
  "sentitems",
  "serverfailures",
  "syncissues",
]);

/** An OData string literal: single quotes doubled (OData ABNF, `SQUOTE-in-string`). */
export function odataString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export const FOLDER_SELECT = "id,displayName,totalItemCount,unreadItemCount";

interface FolderJson {
  id?: unknown;
  displayName?: unknown;
  totalItemCount?: unknown;
  unreadItemCount?: unknown;
}

export function toFolder(j: FolderJson | undefined, path: string): GraphFolder | undefined {
  if (!j || typeof j.id !== "string") return undefined;
  return {
    id: j.id,
    displayName: typeof j.displayName === "string" ? j.displayName : "",
    path,
    ...(typeof j.totalItemCount === "number" ? { totalItemCount: j.totalItemCount } : {}),
    ...(typeof j.unreadItemCount === "number" ? { unreadItemCount: j.unreadItemCount } : {}),
  };
}

/** The parts of a `/`-separated folder path (empty parts from `//` or a leading `/` ignored). */
export function splitFolderPath(path: string): string[] {
  const parts = path
    .split("/")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) throw new XoauthError("USAGE", `The folder path "${path}" names no folder.`);
  return parts;
}

export interface FolderLookup {
  /** GET one folder by well-known name. */
  wellKnown(name: string): Promise<FolderJson>;
  /** GET a page of folders (`under` undefined: the top of the mailbox) filtered by display name; or a nextLink. */
  children(under: string | undefined, name: string, nextLink?: string): Promise<{ value: FolderJson[]; next?: string }>;
}

/** Walks `path` with `lookup`; FOLDER_NOT_FOUND names the first part that does not exist. */
export async function resolveFolderPath(lookup: FolderLookup, path: string, mailbox: string): Promise<GraphFolder> {
  const parts = splitFolderPath(path);
  let current: GraphFolder | undefined;
  let start = 0;
  const first = parts[0] as string;
  if (WELL_KNOWN_FOLDERS.has(first.toLowerCase())) {
    current = toFolder(await lookup.wellKnown(first.toLowerCase()), parts.length === 1 ? path : first);
    start = 1;
  }
  for (let i = start; i < parts.length; i++) {
    const name = parts[i] as string;
    let found: GraphFolder | undefined;
    let next: string | undefined;
    do {
      const page = await lookup.children(current?.id, name, next);
      const hit = page.value.find(
        (f) => typeof f.displayName === "string" && f.displayName.toLowerCase() === name.toLowerCase(),
      );
      found = toFolder(hit, parts.slice(0, i + 1).join("/"));
      next = page.next;
    } while (!found && next);
    if (!found) {
      const parent = parts.slice(0, i).join("/");
      throw new XoauthError(
        "FOLDER_NOT_FOUND",
        parent
          ? `There is no folder "${name}" in "${parent}" of mailbox ${mailbox}.`
          : `There is no folder "${name}" at the top of mailbox ${mailbox}.`,
        { details: { params: { mailbox, folder: path, missing: name, parent: parent || undefined } } },
      );
    }
    current = found;
  }
  return { ...(current as GraphFolder), path };
}
